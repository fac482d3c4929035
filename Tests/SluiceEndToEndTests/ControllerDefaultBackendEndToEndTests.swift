import KubeModels
import SluiceIngress
import SluiceRouting
import SluiceTestSupport
import Testing

/// `--default-backend-service` through the controller (its incremental translation): a request
/// for a host no Ingress names reaches that Service instead of Sluice's 404, and an Ingress's
/// `spec.defaultBackend`, once created, takes over.
@Suite struct ControllerDefaultBackendEndToEndTests {
    @Test func theDefaultBackendServiceAnswersUnmatchedHosts() async throws {
        try await FakeKubeAPIServer.withServer { kube in
            let web = try await UpstreamServer.start(.echo)
            let fallback = try await UpstreamServer.start(.echo)
            let proxy = try await ProxyHarness.start()
            defer { Task { await proxy.stop(); await web.stop(); await fallback.stop() } }

            try kube.put(ClusterObjectsForTests.ingressClass)
            try ClusterObjectsForTests.put(service: "web", port: web.port, on: kube)
            try ClusterObjectsForTests.put(service: "errors", port: fallback.port, on: kube)
            try kube.put(ClusterObjectsForTests.ingress("shop", paths: [("/", "web")]))

            let running = proxy.runController(
                on: kube, translation: TranslationOptions(defaultBackendService: "\(ClusterObjectsForTests.namespace)/errors"))
            defer { running.cancel() }
            try await proxy.waitForTable {
                $0.match(host: "shop.example.com", path: "/") != nil && $0.defaultBackend?.backend.endpoints.isEmpty == false
            }

            let client = try await proxy.connect()
            try await client.send(get("/missing", host: "nobody.example.org"))
            let unmatched = try await client.readResponse()
            #expect(unmatched.status == 200)
            #expect(unmatched.header("x-upstream-port") == String(fallback.port))
            try await client.send(get("/hello"))
            let matched = try await client.readResponse()
            #expect(matched.header("x-upstream-port") == String(web.port))
            await client.close()
            running.cancel()
            await running.value
        }
    }
}
