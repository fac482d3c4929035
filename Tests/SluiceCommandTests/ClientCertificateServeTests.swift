import Foundation
import SluiceDemo
import SluiceTestSupport
import Testing

/// `sluice serve --manifests` with an Ingress asking for client certificates: the CA comes from
/// an `Opaque` Secret in the manifest directory, as it would from the cluster. curl with no
/// certificate gets nginx's `400`; with one the CA issued, the demo upstream's echo shows the
/// verified subject.
@Suite("sluice serve with client certificates")
struct ClientCertificateServeTests {
    @Test func theCAIsReadFromTheManifestsAndTheSubjectReachesTheUpstream() async throws {
        let upstream = try await DemoUpstreamServer.start(tokenInterval: .milliseconds(1))
        defer { Task { try? await upstream.stop() } }
        let manifests = try ManifestFixture.standaloneDemo(upstreamPort: upstream.port)
        defer { try? FileManager.default.removeItem(at: manifests) }
        let ca = try TestCertificateAuthority(commonName: "Serve Client CA")
        let alice = try ca.issue(dnsNames: ["alice"])
        let cert = manifests.appendingPathComponent("alice.crt.pem")
        let key = manifests.appendingPathComponent("alice.key.pem")
        try alice.chainPEM.write(to: cert, atomically: true, encoding: .utf8)
        try alice.privateKeyPEM.write(to: key, atomically: true, encoding: .utf8)
        try Self.manifests(caPEM: ca.certificatePEM).write(
            to: manifests.appendingPathComponent("mtls.yaml"), atomically: true, encoding: .utf8)

        let sluice = try SluiceProcess(arguments: ["serve", "--manifests", manifests.path])
        defer { sluice.kill() }
        try await sluice.waitForReadiness(200)
        let port = try sluice.httpsPort
        let base = ["-sS", "-k", "--http1.1", "--resolve", "mtls.example.com:\(port):127.0.0.1", "-w", "\n%{http_code}"]
        let url = "https://mtls.example.com:\(port)/api/echo?n=1"

        let without = try await CurlProcess.run(base + [url])
        #expect(without.stdout.hasSuffix("\n400"), "\(without.stdout)\(without.stderr)\nlog:\n\(sluice.log)")
        #expect(without.stdout.contains("No required SSL certificate was sent"))
        let with = try await CurlProcess.run(base + ["--cert", cert.path, "--key", key.path, url])
        #expect(with.stdout.hasSuffix("\n200"), "\(with.stdout)\(with.stderr)")
        #expect(with.stdout.contains("\"ssl-client-subject-dn\" : \"CN=alice\""), "\(with.stdout)")
        #expect(with.stdout.contains("\"ssl-client-verify\" : \"SUCCESS\""))
    }

    static func manifests(caPEM: String) -> String {
        """
        apiVersion: v1
        kind: Secret
        metadata:
          name: client-ca
          namespace: default
        type: Opaque
        data:
          ca.crt: \(Data(caPEM.utf8).base64EncodedString())
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: mtls
          namespace: default
          annotations:
            nginx.ingress.kubernetes.io/auth-tls-secret: default/client-ca
        spec:
          ingressClassName: sluice
          rules:
            - host: mtls.example.com
              http:
                paths:
                  - path: /
                    pathType: Prefix
                    backend:
                      service:
                        name: demo
                        port:
                          name: http
        """
    }
}
