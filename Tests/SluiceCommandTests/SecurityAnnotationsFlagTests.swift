import Foundation
import SluiceDemo
import SluiceTestSupport
import Testing

/// `sluice serve` with an Ingress whose `auth-proxy-set-headers` Sluice does not support: the
/// route fails closed (503) and the log says so, unless `--allow-unsupported-security-annotations`.
@Suite("sluice serve --allow-unsupported-security-annotations")
struct SecurityAnnotationsFlagTests {
    @Test(arguments: [false, true])
    func aGuardedRouteFailsClosedUnlessAllowed(_ allowed: Bool) async throws {
        let upstream = try await DemoUpstreamServer.start(tokenInterval: .milliseconds(1))
        defer { Task { try? await upstream.stop() } }
        let manifests = try ManifestFixture.standaloneDemo(upstreamPort: upstream.port)
        defer { try? FileManager.default.removeItem(at: manifests) }
        try Self.guardedIngress.write(to: manifests.appendingPathComponent("guarded.yaml"), atomically: true, encoding: .utf8)

        let flag = allowed ? ["--allow-unsupported-security-annotations"] : []
        let sluice = try SluiceProcess(arguments: ["serve", "--manifests", manifests.path] + flag)
        defer { sluice.kill() }
        try await sluice.waitForReadiness(200)

        let client = try await TestClient.connect(port: sluice.httpPort)
        try await client.send("GET /api/echo?n=1 HTTP/1.1\r\nHost: guarded.example.com\r\n\r\n")
        let guarded = try await client.readResponse()
        try await client.send("GET /api/echo?n=1 HTTP/1.1\r\nHost: demo\r\n\r\n")
        #expect(try await client.readResponse().status == 200)
        await client.close()

        #expect(guarded.status == (allowed ? 200 : 503))
        #expect(sluice.log.contains("Ingress default/guarded UnsupportedAnnotation"), "log:\n\(sluice.log)")
        #expect(sluice.log.contains(allowed ? "served without that protection" : "fails closed (503"))
    }

    static let guardedIngress = """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: guarded
          namespace: default
          annotations:
            nginx.ingress.kubernetes.io/auth-proxy-set-headers: default/auth-headers
        spec:
          ingressClassName: sluice
          rules:
            - host: guarded.example.com
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
