import KubeModels
import SluiceIngress
import SluiceTestSupport
import Testing

@testable import SluiceController

/// The controller translates incrementally from the keys its cache records as events arrive:
/// after each kind of change the live table must equal a whole translation of what the cache
/// holds (a key the cache failed to record would leave a group's old translation in place).
@Suite struct ControllerIncrementalTests {
    @Test func theLiveTableEqualsAWholeTranslationAfterEachKindOfChange() async throws {
        try await FakeKubeAPIServer.withServer { server in
            try server.put(ClusterFixtures.ingressClass())
            for name in ["web", "api"] {
                try server.put(ClusterFixtures.service(name))
                try server.put(ClusterFixtures.endpointSlice(name))
            }
            try server.put(ClusterFixtures.ingress("a", host: "a.example.com"))
            try server.put(ClusterFixtures.ingress("b", host: "b.example.com", service: "api"))
            let controller = RunningController(server, configuration: RunningController.configuration())
            let options = controller.service.configuration.translation
            controller.start()

            func matchesAWholeTranslation(_ what: String) async -> Bool {
                await eventually(what) {
                    let objects = await controller.service.cache.objects
                    return controller.table == IngressTranslator.translate(objects.snapshot, options: options).table
                }
            }
            #expect(await eventually("ready") { controller.isReady })
            #expect(await matchesAWholeTranslation("first table"))

            let changes: [(String, () throws -> Void)] = [
                ("a Service's port", { try server.put(ClusterFixtures.service("api", targetPort: 9090)) }),
                ("an EndpointSlice's address", { try server.put(ClusterFixtures.endpointSlice("web", address: "127.0.0.2")) }),
                ("an annotation", {
                    try server.put(ClusterFixtures.ingress("a", host: "a.example.com", annotations: ["sluice.io/proxy-read-timeout": "7s"]))
                }),
                ("a new Ingress on a shared host", { try server.put(ClusterFixtures.ingress("c", host: "a.example.com", path: "/c")) }),
                ("a deleted Ingress", { _ = server.delete(Ingress.self, namespace: ClusterFixtures.namespace, name: "b") }),
                ("a deleted EndpointSlice", { _ = server.delete(EndpointSlice.self, namespace: ClusterFixtures.namespace, name: "web-abc") }),
                ("a deleted Service", { _ = server.delete(Service.self, namespace: ClusterFixtures.namespace, name: "api") }),
            ]
            for (what, change) in changes {
                let before = controller.publishCount
                try change()
                #expect(await eventually("\(what) published") { controller.publishCount > before })
                #expect(await matchesAWholeTranslation(what))
            }
            await controller.stop()
        }
    }
}
