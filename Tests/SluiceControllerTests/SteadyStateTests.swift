import KubeModels
import SluiceTestSupport
import Testing

@testable import SluiceController

@Suite struct SteadyStateTests {
    /// Once synced, the controller only holds its watches open: changes arrive through them and
    /// nothing is listed or polled again.
    @Test func steadyStateIsWatchesOnlyNoPolling() async throws {
        try await FakeKubeAPIServer.withServer { server in
            try server.put(ClusterFixtures.ingressClass())
            try server.put(ClusterFixtures.service())
            try server.put(ClusterFixtures.endpointSlice())
            try server.put(ClusterFixtures.ingress("a"))
            let controller = RunningController(server, configuration: RunningController.configuration())
            controller.start()
            #expect(await eventually("ready") { controller.isReady && controller.table.routes.count == 1 })
            try await server.waitUntil("six open watches") { $0.openWatchCount == 6 }
            server.clearRequests()

            try server.put(ClusterFixtures.ingress("b", host: "b.example.com"))
            #expect(await eventually("change live") { controller.table.routes.count == 2 })
            try await Task.sleep(for: .seconds(1))
            #expect(server.requests.isEmpty, "requests in steady state: \(server.requests.map { "\($0.method) \($0.path)" })")
            #expect(server.openWatchCount == 6)
            await controller.stop()
        }
    }

    @Test func notReadyAndNothingPublishedUntilEveryReflectorSynced() async throws {
        try await FakeKubeAPIServer.withServer { server in
            try server.put(ClusterFixtures.ingressClass())
            try server.put(ClusterFixtures.ingress("a"))
            server.failNext(5, path: "/api/v1/secrets", with: .internalError)
            let controller = RunningController(server, configuration: RunningController.configuration())
            controller.start()
            // Two backoffs (0.8 s, then 1.6 s, with jitter) on a loaded machine: a generous limit.
            try await server.waitUntil(timeout: .seconds(40), "secrets retried") { server in
                server.requests.filter { $0.path == "/api/v1/secrets" }.count >= 3
            }
            #expect(!controller.isReady)
            #expect(controller.publishCount == 0)
            #expect(await eventually("ready after the secrets list succeeds") { controller.isReady })
            #expect(controller.publishCount >= 1)
            await controller.stop()
        }
    }
}
