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

@Suite struct ControllerEventRefusalTests {
    private func eventPosts(_ server: FakeKubeAPIServer) -> Int {
        server.requests.filter { $0.method == "POST" && $0.path.hasSuffix("/events") }.count
    }

    /// A namespace being deleted refuses new Events with 403 for as long as it terminates: that
    /// write ends (it used to be retried forever), and status is written all the same.
    @Test func anEventRefusedWith403IsNotRetriedAndStatusIsNotHeldBack() async throws {
        try await FakeKubeAPIServer.withServer { server in
            try server.put(ClusterFixtures.ingressClass())
            try server.put(ClusterFixtures.ingress("broken", service: "missing"))
            server.failNext(
                100, path: "/api/v1/namespaces/\(ClusterFixtures.namespace)/events",
                with: .status(code: 403, reason: "Forbidden", message: "unable to create new content in namespace shop because it is being terminated"))
            let controller = RunningController(
                server, configuration: RunningController.configuration(statusAddresses: .addresses(commaSeparated: "192.0.2.1")))
            controller.start()
            #expect(await eventually("status written") {
                let ingress = try? server.objects(Ingress.self).first { $0.metadata.name == "broken" }
                return ingress?.status?.loadBalancer?.ingress == [LoadBalancerIngress(ip: "192.0.2.1")]
            })
            #expect(await eventually("the Event tried") { eventPosts(server) >= 1 })
            // Retries would come every 20-200 ms (the test backoff), and more reconciles happen.
            try server.put(ClusterFixtures.service("unrelated"))
            try await Task.sleep(for: .seconds(1))
            #expect(eventPosts(server) == 1)
            await controller.stop()
        }
    }
}
