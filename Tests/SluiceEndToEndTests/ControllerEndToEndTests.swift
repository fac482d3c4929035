import KubeModels
import SluiceIngress
import SluiceRouting
import SluiceTestSupport
import Testing

/// Cluster objects on the fake API server → controller → routing table → the real proxy →
/// in-process upstreams, with an event stream open through every change.
@Suite struct ControllerEndToEndTests {
    @Test func createChangeAndDeleteAnIngressWhileAStreamStaysOpen() async throws {
        try await FakeKubeAPIServer.withServer { kube in
            let web = try await UpstreamServer.start(.echo)
            let permits = UpstreamPermits()
            let stream = try await UpstreamServer.start(.eventStream(count: 4, permits: permits, freeEvents: 1))
            let slow = try await UpstreamServer.start(.silent)
            let proxy = try await ProxyHarness.start()
            defer { Task { await proxy.stop(); await web.stop(); await stream.stop(); await slow.stop() } }

            try kube.put(ClusterObjectsForTests.ingressClass)
            try ClusterObjectsForTests.put(service: "web", port: web.port, on: kube)
            try ClusterObjectsForTests.put(service: "events", port: stream.port, on: kube)
            try ClusterObjectsForTests.put(service: "slow", port: slow.port, on: kube)
            let paths = [("/", "web"), ("/events", "events"), ("/slow", "slow")]
            try kube.put(ClusterObjectsForTests.ingress("shop", paths: paths))

            let readiness = proxy.readiness
            let running = proxy.runController(on: kube)
            defer { running.cancel() }

            // 1. Created objects become a live route: a request reaches the upstream.
            var generation = try await proxy.waitForTable { $0.match(host: "shop.example.com", path: "/") != nil }
            // The reconcile loop marks readiness right after it publishes that table: the poll
            // above can see the table in between.
            let readyBy = ContinuousClock.now + .seconds(10)
            while !readiness.isReady, ContinuousClock.now < readyBy { try await Task.sleep(for: .milliseconds(5)) }
            #expect(readiness.isReady)
            let client = try await proxy.connect()
            try await client.send(get("/hello"))
            let hello = try await client.readResponse()
            #expect(hello.status == 200)
            #expect(hello.header("x-upstream-port") == String(web.port))

            let sse = try await proxy.connect()
            try await sse.send(get("/events"))
            try await sse.waitForText("data: event 0\n\n")

            // 2. An annotation change is live for new requests: /slow now times out after 1 s.
            try kube.put(
                ClusterObjectsForTests.ingress("shop", paths: paths, annotations: ["sluice.io/proxy-read-timeout": "1s"]))
            generation = try await proxy.waitForTable(newerThan: generation) {
                $0.match(host: "shop.example.com", path: "/slow")?.policy.readTimeout == .seconds(1)
            }
            let slowClient = try await proxy.connect()
            try await slowClient.send(get("/slow"))
            #expect(try await slowClient.readResponse(timeout: .seconds(20)).status == 504)
            permits.grant()
            try await sse.waitForText("data: event 1\n\n")

            // 3. Deleted: 404 for new requests.
            kube.delete(Ingress.self, namespace: ClusterObjectsForTests.namespace, name: "shop")
            generation = try await proxy.waitForTable(newerThan: generation) { $0.routes.isEmpty }
            let after = try await proxy.connect()
            try await after.send(get("/hello"))
            #expect(try await after.readResponse().status == 404)

            // The stream opened before all of this was never cut and ends intact.
            permits.open()
            try await sse.waitForText("\r\n0\r\n\r\n")
            let response = try await sse.readResponse()
            #expect(response.status == 200)
            let expected = (0..<4).map { "id: \($0)\ndata: event \($0)\n\n" }.joined()
            #expect(response.bodyText == expected)
            #expect(stream.acceptedConnections == 1)
            for connection in [client, sse, slowClient, after] { await connection.close() }
            running.cancel()
            await running.value
        }
    }
}
