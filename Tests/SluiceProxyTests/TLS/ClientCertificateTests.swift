import Foundation
import SluiceRouting
import SluiceTestSupport
import Testing

@testable import SluiceProxy

/// Client certificates (`auth-tls-*`) with real handshakes on loopback: curl presenting no
/// certificate, one of another CA, an expired one, a good one, over HTTP/1.1 and HTTP/2, to a
/// host whose routes ask for them (`secure.example.com`) beside one whose routes do not
/// (`open.example.com`). The echo upstream shows what reached it.
@Suite("Client certificates", .serialized)
struct ClientCertificateTests {
    private let clientCA: TestCertificateAuthority
    private let directory: URL
    private static let secureHost = "secure.example.com"
    private static let openHost = "open.example.com"

    init() throws {
        clientCA = try TestCertificateAuthority(commonName: "Sluice Client CA")
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-mtls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// curl's `--cert` and `--key` arguments for `certificate`, written to files.
    private func files(_ name: String, _ certificate: TestCertificate) throws -> [String] {
        let cert = directory.appendingPathComponent("\(name).crt")
        let key = directory.appendingPathComponent("\(name).key")
        try certificate.chainPEM.write(to: cert, atomically: true, encoding: .utf8)
        try certificate.privateKeyPEM.write(to: key, atomically: true, encoding: .utf8)
        return ["--cert", cert.path, "--key", key.path]
    }

    private func good() throws -> [String] { try files("alice", clientCA.issue(dnsNames: ["alice"])) }

    private func auth(_ verification: ClientCertificateAuth.Verification, depth: Int = 1, errorPage: String? = nil) -> ClientCertificateAuth {
        ClientCertificateAuth(
            trust: ClientCertificateAuth.Trust(certificatesPEM: clientCA.certificatePEM, depth: depth), source: "default/client-ca",
            verification: verification, passCertificate: true, errorPage: errorPage)
    }

    /// Routes `secure.example.com` under `auth` and `open.example.com` without, both to `upstream`.
    private static func table(_ upstream: UpstreamServer, auth: ClientCertificateAuth) -> RoutingTable {
        var policy = RoutePolicy.default
        policy.clientCertificate = auth
        let secure = SluiceProxyTests.table(host: secureHost, path: "/", endpoints: [.local(upstream)], policy: policy)
        let open = SluiceProxyTests.table(host: openHost, path: "/", endpoints: [.local(upstream)], policy: .default)
        return RoutingTable(routes: secure.routes + open.routes)
    }

    /// `curl -i` to `https://<server name>/` (by default the `Host`'s), HTTP/2 or HTTP/1.1.
    private static func curl(
        port: Int, serverName: String = secureHost, host: String? = nil, http2: Bool, _ extra: [String] = []
    ) async throws -> CurlProcess.Result {
        try await CurlProcess.run(
            ["-i", "-v", "-sS", "-k", "--resolve", "\(serverName):\(port):127.0.0.1", http2 ? "--http2" : "--http1.1"]
                + (host.map { ["-H", "Host: \($0)"] } ?? []) + extra + ["https://\(serverName):\(port)/"])
    }

    private static func status(_ result: CurlProcess.Result) -> Int? {
        result.stdout.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { Int($0) }
    }

    @Test(arguments: [false, true])
    func onRefusesMissingForeignAndExpiredCertificatesAndPassesAGoodOne(http2: Bool) async throws {
        let foreign = try files("mallory", TestCertificateAuthority(commonName: "Other CA").issue(dnsNames: ["mallory"]))
        let expired = try files(
            "old", clientCA.issue(dnsNames: ["old"], notValidBefore: Date().addingTimeInterval(-2 * 86400),
                                  notValidAfter: Date().addingTimeInterval(-86400)))
        let good = try good()
        try await withUpstream(.echo) { upstream in
            try await withProxy(Self.table(upstream, auth: auth(.on))) { proxy in
                let none = try await Self.curl(port: proxy.httpsPort, http2: http2)
                #expect(Self.status(none) == 400, "\(none.stdout)\(none.stderr)")
                #expect(none.stdout.contains("No required SSL certificate was sent"))
                #expect(none.stderr.contains("Request CERT"), "the handshake asks for a certificate")
                for refused in [foreign, expired] {
                    let result = try await Self.curl(port: proxy.httpsPort, http2: http2, refused)
                    #expect(Self.status(result) == 400, "\(result.stdout)\(result.stderr)")
                    #expect(result.stdout.contains("The SSL certificate error"))
                    #expect(!result.stdout.contains("ssl-client-verify"), "nothing reached the upstream")
                }
                let passed = try await Self.curl(port: proxy.httpsPort, http2: http2, good)
                #expect(Self.status(passed) == 200, "\(passed.stdout)\(passed.stderr)")
                #expect(passed.stdout.contains("ssl-client-verify: SUCCESS\n"), "\(passed.stdout)")
                #expect(passed.stdout.contains("ssl-client-subject-dn: CN=alice\n"))
                #expect(passed.stdout.contains("ssl-client-issuer-dn: CN=Sluice Client CA\n"))
                #expect(passed.stdout.contains("ssl-client-cert: -----BEGIN%20CERTIFICATE-----%0A"), "\(passed.stdout)")
                // The same connection's other host asks for nothing: its handshake is as before.
                let open = try await Self.curl(port: proxy.httpsPort, serverName: Self.openHost, http2: http2)
                #expect(Self.status(open) == 200, "\(open.stdout)\(open.stderr)")
                #expect(!open.stderr.contains("Request CERT"), "\(open.stderr)")
                #expect(!open.stdout.contains("ssl-client-verify"))
            }
        }
    }

    @Test(arguments: [false, true])
    func optionalPassesNoCertificateAndRefusesABadOneAndSpoofedFieldsAreReplaced(http2: Bool) async throws {
        let foreign = try files("mallory", TestCertificateAuthority(commonName: "Other CA").issue(dnsNames: ["mallory"]))
        let spoofed = ["-H", "ssl-client-verify: SUCCESS", "-H", "ssl-client-subject-dn: CN=admin", "-H", "SSL-Client-Cert: forged"]
        try await withUpstream(.echo) { upstream in
            try await withProxy(Self.table(upstream, auth: auth(.optional))) { proxy in
                let none = try await Self.curl(port: proxy.httpsPort, http2: http2, spoofed)
                #expect(Self.status(none) == 200, "\(none.stdout)\(none.stderr)")
                #expect(none.stdout.contains("ssl-client-verify: NONE\n"), "\(none.stdout)")
                #expect(!none.stdout.contains("SUCCESS"), "the client's own field is dropped")
                #expect(!none.stdout.contains("CN=admin"))
                #expect(!none.stdout.lowercased().contains("forged"))
                let bad = try await Self.curl(port: proxy.httpsPort, http2: http2, foreign)
                #expect(Self.status(bad) == 400, "\(bad.stdout)")
                let good = try await Self.curl(port: proxy.httpsPort, http2: http2, try good() + spoofed)
                #expect(good.stdout.contains("ssl-client-subject-dn: CN=alice\n"), "\(good.stdout)")
                #expect(!good.stdout.contains("CN=admin"))
            }
        }
    }

    @Test func optionalNoCAPassesAnyCertificateAndReportsIt() async throws {
        let foreign = try files("mallory", TestCertificateAuthority(commonName: "Other CA").issue(dnsNames: ["mallory"]))
        try await withUpstream(.echo) { upstream in
            try await withProxy(Self.table(upstream, auth: auth(.optionalNoCA))) { proxy in
                let result = try await Self.curl(port: proxy.httpsPort, http2: false, foreign)
                #expect(Self.status(result) == 200, "\(result.stdout)\(result.stderr)")
                #expect(result.stdout.contains("ssl-client-verify: FAILED:unable to get local issuer certificate\n"), "\(result.stdout)")
                #expect(result.stdout.contains("ssl-client-subject-dn: CN=mallory\n"))
                #expect(result.stdout.contains("ssl-client-issuer-dn: CN=Other CA\n"))
            }
        }
    }

    /// A client that shakes hands as a host that asks for nothing and then names the protected
    /// host (domain fronting) is not let through: `421`, over both protocols.
    @Test(arguments: [false, true])
    func anotherServerNameDoesNotBypassVerification(http2: Bool) async throws {
        let good = try good()
        try await withUpstream(.echo) { upstream in
            for mode in ClientCertificateAuth.Verification.allCases {
                try await withProxy(Self.table(upstream, auth: auth(mode))) { proxy in
                    let fronted = try await Self.curl(
                        port: proxy.httpsPort, serverName: Self.openHost, host: Self.secureHost, http2: http2, good)
                    #expect(Self.status(fronted) == 421, "\(mode): \(fronted.stdout)\(fronted.stderr)")
                    #expect(!fronted.stdout.contains("ssl-client-verify"))
                }
            }
        }
    }

    @Test func theDepthCountsTheCAsAboveTheClientsCertificate() async throws {
        let intermediate = try clientCA.intermediate(commonName: "Sluice Client Intermediate")
        let deep = try files("deep", intermediate.issue(dnsNames: ["bob"]))
        try await withUpstream(.echo) { upstream in
            try await withProxy(Self.table(upstream, auth: auth(.optionalNoCA, depth: 1))) { proxy in
                let result = try await Self.curl(port: proxy.httpsPort, http2: false, deep)
                #expect(result.stdout.contains("ssl-client-verify: FAILED:certificate chain too long\n"), "\(result.stdout)")
            }
            try await withProxy(Self.table(upstream, auth: auth(.on, depth: 2))) { proxy in
                let result = try await Self.curl(port: proxy.httpsPort, http2: false, deep)
                #expect(Self.status(result) == 200, "\(result.stdout)")
                #expect(result.stdout.contains("ssl-client-verify: SUCCESS\n"))
                #expect(result.stdout.contains("ssl-client-issuer-dn: CN=Sluice Client Intermediate\n"))
            }
        }
    }

    @Test func theErrorPageIsARedirect() async throws {
        try await withUpstream(.echo) { upstream in
            try await withProxy(Self.table(upstream, auth: auth(.on, errorPage: "https://errors.example.com/cert"))) { proxy in
                let result = try await Self.curl(port: proxy.httpsPort, http2: false)
                #expect(Self.status(result) == 302, "\(result.stdout)")
                #expect(result.stdout.lowercased().contains("location: https://errors.example.com/cert\r\n"), "\(result.stdout)")
            }
        }
    }
}
