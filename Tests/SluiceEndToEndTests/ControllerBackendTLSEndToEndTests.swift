import Foundation
import KubeModels
import SluiceIngress
import SluiceRouting
import SluiceTestSupport
import Testing

/// TLS to a backend through the controller: an `Opaque` Secret's `ca.crt`, named by
/// `proxy-ssl-secret`, reaches translation and the proxy verifies the HTTPS upstream with it.
/// The Secret exists before an Ingress references it, so the controller first holds it as a stub
/// and fetches its data when the reference appears.
@Suite struct ControllerBackendTLSEndToEndTests {
    @Test func aProxySSLSecretIsFetchedAndVerifiesTheBackend() async throws {
        try await FakeKubeAPIServer.withServer { kube in
            let ca = try TestCertificateAuthority(commonName: "Backend CA")
            let namespace = ClusterObjectsForTests.namespace
            let upstream = try await UpstreamServer.start(.echo, tls: try ca.issue(dnsNames: ["secure.\(namespace).svc"]))
            let proxy = try await ProxyHarness.start()
            defer { Task { await proxy.stop(); await upstream.stop() } }

            try kube.put(ClusterObjectsForTests.ingressClass)
            try ClusterObjectsForTests.put(service: "secure", port: upstream.port, on: kube)
            try kube.put(Secret(
                metadata: ObjectMeta(name: "backend-ca", namespace: namespace), type: Secret.opaqueType,
                data: ["ca.crt": Data(ca.certificatePEM.utf8).base64EncodedString()]))
            try kube.put(ClusterObjectsForTests.ingress("shop", paths: [("/", "secure")]))

            let running = proxy.runController(on: kube)
            defer { running.cancel() }
            let generation = try await proxy.waitForTable { !$0.routes.isEmpty }

            try kube.put(ClusterObjectsForTests.ingress(
                "shop", paths: [("/", "secure")],
                annotations: [
                    "nginx.ingress.kubernetes.io/backend-protocol": "HTTPS",
                    "nginx.ingress.kubernetes.io/proxy-ssl-verify": "on",
                    "nginx.ingress.kubernetes.io/proxy-ssl-secret": "\(namespace)/backend-ca",
                ]))
            try await proxy.waitForTable(newerThan: generation) { table in
                table.routes.first?.policy.upstreamProtocol.tls?.trustedCertificatesPEM != nil
                    && table.routes.first?.policy.refusal == nil
            }
            let tls = try #require(proxy.store.snapshot.table.routes.first?.policy.upstreamProtocol.tls)
            #expect(tls.serverName == "secure.\(namespace).svc")
            #expect(tls.verify)

            let client = try await proxy.connect()
            try await client.send(get("/verified"))
            let response = try await client.readResponse()
            #expect(response.status == 200)
            #expect(response.bodyText.hasPrefix("GET /verified HTTP/1.1"))
        }
    }
}
