import KubeModels
import SluiceIngress
import SluiceTestSupport
import Testing

@testable import SluiceController

@Suite struct ControllerEventTests {
    private func events(_ server: FakeKubeAPIServer) -> [Event] {
        (try? server.objects(Event.self, namespace: ClusterFixtures.namespace)) ?? []
    }

    @Test func aDiagnosticBecomesOneWarningEventThenACountBump() async throws {
        try await FakeKubeAPIServer.withServer { server in
            try server.put(ClusterFixtures.ingressClass())
            try server.put(ClusterFixtures.ingress("broken", service: "missing"))
            let uid = try #require(try server.objects(Ingress.self).first?.metadata.uid)
            let controller = RunningController(
                server, configuration: RunningController.configuration(eventRepeatInterval: .seconds(2)))
            controller.start()

            #expect(await eventually("an Event") { events(server).count == 1 })
            let event = try #require(events(server).first)
            #expect(event.type == "Warning")
            #expect(event.reason == DiagnosticReason.serviceNotFound)
            #expect(event.involvedObject == InvolvedObject(apiVersion: "networking.k8s.io/v1", kind: "Ingress", namespace: "shop", name: "broken", uid: uid))
            #expect(event.source?.component == "sluice")
            #expect(event.count == 1 && event.firstTimestamp != nil && event.lastTimestamp != nil)
            #expect(event.message?.contains("missing") == true)

            // More reconciles within the interval: no new Event.
            try server.put(ClusterFixtures.service("unrelated"))
            try server.put(ClusterFixtures.service("unrelated-2"))
            try await Task.sleep(for: .milliseconds(300))
            #expect(events(server).count == 1)
            #expect(server.requests.filter { $0.method == "POST" && $0.path.hasSuffix("/events") }.count == 1)

            // After the interval, the next reconcile bumps the count on the same Event.
            try await Task.sleep(for: .seconds(2))
            try server.put(ClusterFixtures.service("unrelated-3"))
            #expect(await eventually("count bumped") { events(server).first?.count == 2 })
            #expect(events(server).count == 1)
            await controller.stop()
        }
    }
}
