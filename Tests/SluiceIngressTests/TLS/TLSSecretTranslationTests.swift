import Foundation
import KubeModels
import SluiceIngress
import SluiceRouting
import SluiceTestSupport
import Testing

/// Each bad Secret: one Warning naming the Secret and the problem, no certificate for its host
/// (the listener serves the default one), the routes and the other hosts unaffected.
@Suite("spec.tls Secrets become certificates, or Warnings")
struct TLSSecretTranslationTests {
    static let ca = try! TestCertificateAuthority()

    struct BadCase: Sendable, CustomTestStringConvertible {
        var name: String
        var secret: @Sendable () throws -> Secret?
        var warning: String
        var testDescription: String { name }
    }

    static let badCases: [BadCase] = [
        BadCase(name: "missing", secret: { nil },
                warning: "Ingress default/shop TLSSecretNotFound: spec.tls[1]: secret default/bad not found; bad.example.com gets the default certificate"),
        BadCase(name: "wrong type", secret: {
            var secret = try TLSFixtures.leaf(ca, ["bad.example.com"]).secret(name: "bad")
            secret.type = "Opaque"
            return secret
        }, warning: "Ingress default/shop TLSSecretInvalid: spec.tls[1]: secret default/bad has type \"Opaque\", not kubernetes.io/tls; bad.example.com gets the default certificate"),
        BadCase(name: "no tls.key", secret: {
            var secret = try TLSFixtures.leaf(ca, ["bad.example.com"]).secret(name: "bad")
            secret.data?["tls.key"] = nil
            return secret
        }, warning: "Ingress default/shop TLSSecretInvalid: spec.tls[1]: secret default/bad lacks tls.crt or tls.key; bad.example.com gets the default certificate"),
        BadCase(name: "malformed PEM", secret: {
            var secret = try TLSFixtures.leaf(ca, ["bad.example.com"]).secret(name: "bad")
            secret.data?["tls.crt"] = Data("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n".utf8).base64EncodedString()
            return secret
        }, warning: "Ingress default/shop TLSSecretInvalid: spec.tls[1]: secret default/bad tls.crt: the leaf certificate does not parse; bad.example.com gets the default certificate"),
        BadCase(name: "no PEM at all", secret: {
            var secret = try TLSFixtures.leaf(ca, ["bad.example.com"]).secret(name: "bad")
            secret.data?["tls.crt"] = Data("hello".utf8).base64EncodedString()
            return secret
        }, warning: "Ingress default/shop TLSSecretInvalid: spec.tls[1]: secret default/bad tls.crt holds no PEM certificate; bad.example.com gets the default certificate"),
        BadCase(name: "key of another certificate", secret: {
            let other = try TLSFixtures.leaf(ca, ["bad.example.com"])
            return try TLSFixtures.leaf(ca, ["bad.example.com"]).withPrivateKey(other.privateKeyPEM).secret(name: "bad")
        }, warning: "Ingress default/shop TLSSecretInvalid: spec.tls[1]: secret default/bad tls.key does not match the certificate in tls.crt; bad.example.com gets the default certificate"),
        BadCase(name: "RSA key with an ECDSA certificate", secret: {
            let rsa = try TLSFixtures.leaf(ca, ["bad.example.com"], key: .rsa2048)
            return try TLSFixtures.leaf(ca, ["bad.example.com"]).withPrivateKey(rsa.privateKeyPEM).secret(name: "bad")
        }, warning: "Ingress default/shop TLSSecretInvalid: spec.tls[1]: secret default/bad tls.key does not match the certificate in tls.crt; bad.example.com gets the default certificate"),
        BadCase(name: "expired", secret: {
            try TLSFixtures.leaf(ca, ["bad.example.com"], from: TLSFixtures.date("2029-01-01T00:00:00Z"), to: TLSFixtures.date("2030-05-31T12:00:00Z")).secret(name: "bad")
        }, warning: "Ingress default/shop TLSCertificateExpired: spec.tls[1]: secret default/bad holds a certificate that expired at 2030-05-31T12:00:00Z; bad.example.com gets the default certificate"),
        BadCase(name: "not yet valid", secret: {
            try TLSFixtures.leaf(ca, ["bad.example.com"], from: TLSFixtures.date("2030-07-01T00:00:00Z")).secret(name: "bad")
        }, warning: "Ingress default/shop TLSCertificateNotYetValid: spec.tls[1]: secret default/bad holds a certificate not valid before 2030-07-01T00:00:00Z; bad.example.com gets the default certificate"),
        BadCase(name: "SAN does not cover the host", secret: {
            try TLSFixtures.leaf(ca, ["other.example.com", "*.other.example.com"]).secret(name: "bad")
        }, warning: "Ingress default/shop TLSHostNotCovered: spec.tls[1]: secret default/bad holds a certificate for other.example.com, *.other.example.com, which does not cover bad.example.com; bad.example.com gets the default certificate"),
        BadCase(name: "encrypted key", secret: {
            var secret = try TLSFixtures.leaf(ca, ["bad.example.com"]).secret(name: "bad")
            secret.data?["tls.key"] = Data("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n".utf8).base64EncodedString()
            return secret
        }, warning: "Ingress default/shop TLSSecretInvalid: spec.tls[1]: secret default/bad tls.key is encrypted; the key must be stored unencrypted; bad.example.com gets the default certificate"),
    ]

    @Test(arguments: badCases)
    func aBadSecretWarnsAndLeavesItsHostToTheDefaultCertificate(_ bad: BadCase) throws {
        let good = try TLSFixtures.leaf(Self.ca, ["good.example.com"])
        let ingress = TLSFixtures.ingress(
            hosts: ["good.example.com", "bad.example.com"],
            tls: [(["good.example.com"], "good"), (["bad.example.com"], "bad")])
        let secrets = [good.secret(name: "good")] + [try bad.secret()].compactMap { $0 }
        let result = IngressTranslator.translate(
            ClusterSnapshot(ingresses: [ingress], services: [TLSFixtures.service()], secrets: secrets),
            options: TLSFixtures.options, now: TLSFixtures.now)

        #expect(result.diagnostics.map(\.description) == [bad.warning])
        #expect(result.table.certificates.hostCertificate("bad.example.com") == nil)
        #expect(result.table.certificates.hostCertificate("good.example.com")?.fingerprint == good.fingerprint)
        #expect(result.table.routes.map(\.host.text).sorted() == ["bad.example.com", "good.example.com"])
        for secret in secrets {
            let key = String(decoding: Data(base64Encoded: secret.data?["tls.key"] ?? "") ?? Data(), as: UTF8.self)
            guard let body = key.split(separator: "\n").dropFirst().first.map(String.init) else { continue }
            #expect(!RoutingTableText.render(result.table).contains(body))
            #expect(!result.diagnostics.contains { $0.message.contains(body) })
        }
    }

    @Test(arguments: [
        (TestCertificateAuthority.KeyAlgorithm.ecdsaP256, TestCertificateAuthority.KeyEncoding.pkcs8),
        (.ecdsaP256, .sec1),
        (.rsa2048, .pkcs8),
        (.rsa2048, .pkcs1),
    ])
    func rsaAndECDSAKeysInEveryPEMEncodingAreServed(key: TestCertificateAuthority.KeyAlgorithm, encoding: TestCertificateAuthority.KeyEncoding) throws {
        let leaf = try TLSFixtures.leaf(Self.ca, ["shop.example.com"], key: key, encoding: encoding)
        let result = IngressTranslator.translate(
            ClusterSnapshot(ingresses: [TLSFixtures.ingress(hosts: ["shop.example.com"], tls: [(["shop.example.com"], "shop")])],
                            services: [TLSFixtures.service()], secrets: [leaf.secret(name: "shop")]),
            options: TLSFixtures.options, now: TLSFixtures.now)

        #expect(result.diagnostics.isEmpty)
        let certificate = try #require(result.table.certificates.hostCertificate("shop.example.com"))
        #expect(certificate.fingerprint == leaf.fingerprint)
        #expect(certificate.source == "default/shop")
        #expect(certificate.notAfter == Int64(TLSFixtures.yearEnd.timeIntervalSince1970))
        #expect(certificate.privateKeyPEM.hasPrefix("-----BEGIN "))
        #expect(RoutingTableText.render(result.table).contains("tls shop.example.com default/shop sha256:\(leaf.fingerprint.prefix(16))"))
    }

    @Test func theChainKeepsItsIntermediatesLeafFirst() throws {
        let intermediate = try Self.ca.intermediate()
        let leaf = try TLSFixtures.leaf(intermediate, ["shop.example.com"])
        let result = IngressTranslator.translate(
            ClusterSnapshot(ingresses: [TLSFixtures.ingress(hosts: ["shop.example.com"], tls: [(["shop.example.com"], "shop")])],
                            services: [TLSFixtures.service()], secrets: [leaf.secret(name: "shop")]),
            options: TLSFixtures.options, now: TLSFixtures.now)

        let certificate = try #require(result.table.certificates.hostCertificate("shop.example.com"))
        #expect(certificate.chainPEM.components(separatedBy: "-----BEGIN CERTIFICATE-----").count == 3)
        #expect(certificate.chainPEM.trimmingCharacters(in: .whitespacesAndNewlines) == leaf.chainPEM.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test func aWildcardCertificateCoversTheHostsItNamesAndWarnsOfTheOthers() throws {
        let leaf = try TLSFixtures.leaf(Self.ca, ["*.example.com"])
        let hosts = ["a.example.com", "*.example.com", "a.b.example.com", "example.com"]
        let result = IngressTranslator.translate(
            ClusterSnapshot(ingresses: [TLSFixtures.ingress(hosts: ["a.example.com"], tls: [(hosts, "wild")])],
                            services: [TLSFixtures.service()], secrets: [leaf.secret(name: "wild")]),
            options: TLSFixtures.options, now: TLSFixtures.now)

        #expect(result.table.certificates.exact.keys.sorted() == ["a.example.com"])
        #expect(result.table.certificates.wildcard.keys.sorted() == [".example.com"])
        #expect(result.table.certificates.hostCertificate("example.com") == nil)
        #expect(result.diagnostics.map(\.message) == [
            "spec.tls[0]: secret default/wild holds a certificate for *.example.com, which does not cover a.b.example.com, example.com; a.b.example.com, example.com get the default certificate",
        ])
    }

    @Test func theOldestIngressListingAHostSetsItsCertificateEvenWithoutRules() throws {
        let older = try TLSFixtures.leaf(Self.ca, ["shop.example.com", "api.example.com"])
        let newer = try TLSFixtures.leaf(Self.ca, ["shop.example.com"])
        let first = TLSFixtures.ingress("first", created: "2026-01-01T00:00:00Z", hosts: [], tls: [(["shop.example.com", "api.example.com"], "older")])
        let second = TLSFixtures.ingress("second", created: "2026-02-01T00:00:00Z", hosts: ["shop.example.com"], tls: [(["shop.example.com"], "newer")])
        let result = IngressTranslator.translate(
            ClusterSnapshot(ingresses: [second, first], services: [TLSFixtures.service()],
                            secrets: [older.secret(name: "older"), newer.secret(name: "newer")]),
            options: TLSFixtures.options, now: TLSFixtures.now)

        #expect(result.diagnostics.isEmpty)
        #expect(result.table.certificates.hostCertificate("shop.example.com")?.fingerprint == older.fingerprint)
        #expect(result.table.certificates.hostCertificate("api.example.com")?.fingerprint == older.fingerprint)
    }

    @Test func stringDataIsReadAsAManifestWritesIt() throws {
        let leaf = try TLSFixtures.leaf(Self.ca, ["shop.example.com"])
        let secret = Secret(metadata: ObjectMeta(name: "shop", namespace: "default"), type: Secret.tlsType,
                            stringData: ["tls.crt": leaf.chainPEM, "tls.key": leaf.privateKeyPEM])
        let result = IngressTranslator.translate(
            ClusterSnapshot(ingresses: [TLSFixtures.ingress(hosts: ["shop.example.com"], tls: [(["shop.example.com"], "shop")])],
                            services: [TLSFixtures.service()], secrets: [secret]),
            options: TLSFixtures.options, now: TLSFixtures.now)
        #expect(result.table.certificates.hostCertificate("shop.example.com")?.fingerprint == leaf.fingerprint)
    }
}
