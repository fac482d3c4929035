import KubeModels
import SluiceTestSupport
import Testing

@testable import SluiceController

/// What the controller rebuilds for, against the fake API server: only changes translation reads,
/// and a lone change without waiting for the hold-off.
@Suite struct ControllerChangeFilterTests {
    private func addresses(_ server: FakeKubeAPIServer, _ name: String) throws -> [LoadBalancerIngress] {
        let ingress = try server.objects(Ingress.self, namespace: ClusterFixtures.namespace).first { $0.metadata.name == name }
        return ingress?.status?.loadBalancer?.ingress ?? []
    }

    @Test func statusOnlyUpdatesRebuildNothingButStatusIsStillKeptRight() async throws {
        try await FakeKubeAPIServer.withServer { server in
            try server.put(ClusterFixtures.ingressClass())
            try server.put(ClusterFixtures.service())
            try server.put(ClusterFixtures.endpointSlice())
            try server.put(ClusterFixtures.ingress("a"))
            let controller = RunningController(
                server, configuration: RunningController.configuration(statusAddresses: .addresses(commaSeparated: "192.0.2.1")))
            controller.start()
            let desired = [LoadBalancerIngress(ip: "192.0.2.1")]
            #expect(await eventually("status written") { (try? addresses(server, "a")) == desired })
            // Our own status write came back as a watch event: no rebuild for it.
            try await Task.sleep(for: .milliseconds(300))
            let rebuilds = controller.publishCount

            // Someone else overwrites the status: the status writer puts ours back, still without a rebuild.
            var overwritten = try #require(try server.objects(Ingress.self).first { $0.metadata.name == "a" })
            overwritten.status = IngressStatus(loadBalancer: LoadBalancerStatus(ingress: [LoadBalancerIngress(ip: "198.51.100.7")]))
            try server.put(overwritten)
            #expect(await eventually("status restored") { (try? addresses(server, "a")) == desired })
            // An EndpointSlice update that changes nothing used (its trigger time).
            var slice = try #require(try server.objects(EndpointSlice.self).first)
            slice.metadata.annotations = ["endpoints.kubernetes.io/last-change-trigger-time": "2026-12-06T12:00:00Z"]
            try server.put(slice)
            try await Task.sleep(for: .milliseconds(300))
            #expect(controller.publishCount == rebuilds)

            // A change translation reads rebuilds.
            try server.put(ClusterFixtures.ingress("b", host: "b.example.com"))
            #expect(await eventually("new route live") { controller.table.routes.count == 2 })
            #expect(controller.publishCount == rebuilds + 1)
            await controller.stop()
        }
    }

    @Test func aLoneChangeAfterAQuietSpellIsBuiltWithoutTheHoldOff() async throws {
        try await FakeKubeAPIServer.withServer { server in
            try server.put(ClusterFixtures.ingressClass())
            try server.put(ClusterFixtures.service())
            try server.put(ClusterFixtures.endpointSlice())
            try server.put(ClusterFixtures.ingress("a"))
            // A hold-off far longer than a rebuild: a change live before `minimum` was not held off.
            let holdOff = HoldOffScheduler(minimum: .seconds(4), maximum: .seconds(5))
            let controller = RunningController(server, configuration: RunningController.configuration(holdOff: holdOff))
            controller.start()
            #expect(await eventually("ready") { controller.isReady })
            try await Task.sleep(for: holdOff.maximum)

            let clock = ContinuousClock()
            let changed = clock.now
            try server.put(ClusterFixtures.ingress("b", host: "b.example.com"))
            #expect(await eventually("new route live") { controller.table.routes.count == 2 })
            #expect(clock.now - changed < holdOff.minimum)
            await controller.stop()
        }
    }
}
