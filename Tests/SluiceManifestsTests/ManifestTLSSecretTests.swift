import Foundation
import KubeModels
import SluiceIngress
import SluiceManifests
import SluiceTestSupport
import Testing

/// Standalone TLS: `kubernetes.io/tls` Secrets are read from the manifest directory, `data`
/// (base64) or `stringData` (PEM as is), and translated like a cluster's; so are the trust
/// Secrets of `proxy-ssl-secret`.
@Suite("TLS Secrets in manifest directories")
struct ManifestTLSSecretTests {
    static let ingress = """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: shop}
        spec:
          tls:
            - {hosts: [shop.example.com], secretName: shop-tls}
            - {hosts: [api.example.com], secretName: api-tls}
          rules:
            - host: shop.example.com
              http:
                paths:
                  - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}

        """

    @Test func secretsWithDataOrStringDataServeTheirHosts() throws {
        let ca = try TestCertificateAuthority()
        let shop = try ca.issue(dnsNames: ["shop.example.com"])
        let api = try ca.issue(dnsNames: ["api.example.com"], keyAlgorithm: .rsa2048, keyEncoding: .pkcs1)
        let dir = try TemporaryDirectory()
        try dir.write("ingress.yaml", Self.ingress + "---\n" + Manifests.service("web"))
        try dir.write("secrets/shop.yaml", shop.secretYAML(name: "shop-tls"))
        try dir.write("secrets/api.yaml", """
            apiVersion: v1
            kind: Secret
            metadata: {name: api-tls, namespace: default}
            type: kubernetes.io/tls
            stringData:
              tls.crt: |
            \(Self.indented(api.chainPEM))
              tls.key: |
            \(Self.indented(api.privateKeyPEM))
            """)

        let load = ManifestLoader.load(directory: dir.path)
        #expect(load.errors.isEmpty, "\(load.errors)")
        let result = IngressTranslator.translate(load.snapshot, options: TranslationOptions(servesClasslessWithoutIngressClasses: true))
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(result.table.certificates.hostCertificate("shop.example.com")?.fingerprint == shop.fingerprint)
        #expect(result.table.certificates.hostCertificate("api.example.com")?.fingerprint == api.fingerprint)
        #expect(result.table.certificates.hostCertificate("api.example.com")?.source == "default/api-tls")
    }

    /// The `ca.crt` of an `Opaque` Secret named by `proxy-ssl-secret` is what TLS to the backend
    /// trusts, read from the directory like any Secret.
    @Test func aProxySSLSecretIsReadFromTheDirectory() throws {
        let ca = try TestCertificateAuthority(commonName: "Backend CA")
        let dir = try TemporaryDirectory()
        try dir.write("ingress.yaml", """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: api
              annotations:
                nginx.ingress.kubernetes.io/backend-protocol: HTTPS
                nginx.ingress.kubernetes.io/proxy-ssl-verify: "on"
                nginx.ingress.kubernetes.io/proxy-ssl-secret: default/backend-ca
            spec:
              rules:
                - host: api.example.com
                  http:
                    paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
            ---
            """ + "\n" + Manifests.service("web"))
        try dir.write("secrets/ca.yaml", """
            apiVersion: v1
            kind: Secret
            metadata: {name: backend-ca, namespace: default}
            stringData:
              ca.crt: |
            \(Self.indented(ca.certificatePEM))
            """)

        let load = ManifestLoader.load(directory: dir.path)
        #expect(load.errors.isEmpty, "\(load.errors)")
        let result = IngressTranslator.translate(load.snapshot, options: TranslationOptions(servesClasslessWithoutIngressClasses: true))
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let tls = try #require(result.table.routes.first?.policy.upstreamProtocol.tls)
        #expect(tls.verify)
        #expect(tls.serverName == "web.default.svc")
        #expect(tls.trustedCertificatesPEM?.contains("BEGIN CERTIFICATE") == true)
        #expect(result.table.routes.first?.policy.refusal == nil)
    }

    private static func indented(_ pem: String) -> String {
        pem.split(separator: "\n").map { "    \($0)" }.joined(separator: "\n")
    }
}
