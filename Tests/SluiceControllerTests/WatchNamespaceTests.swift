import KubeModels
import SluiceIngress
import SluiceTestSupport
import Testing

@testable import SluiceController

@Suite struct WatchNamespaceTests {
    /// `--watch-namespace shop`: every namespaced LIST/WATCH is scoped to `shop`; the publish
    /// Service in another namespace is watched by name on its own.
    @Test func everyReflectorIsScopedAndThePublishServiceIsWatchedByName() async throws {
        try await FakeKubeAPIServer.withServer { server in
            try server.put(ClusterFixtures.ingressClass())
            try server.put(ClusterFixtures.service())
            try server.put(ClusterFixtures.endpointSlice())
            try server.put(ClusterFixtures.ingress("in-scope"))
            try server.put(ClusterFixtures.ingress("elsewhere", namespace: "blog", host: "blog.example.com"))
            try server.put(
                Service(
                    metadata: ObjectMeta(name: "sluice", namespace: "sluice-system"),
                    spec: ServiceSpec(clusterIP: "10.96.7.7")))
            let controller = RunningController(
                server,
                configuration: ControllerConfiguration(
                    translation: TranslationOptions(watchNamespace: "shop"),
                    statusAddresses: .service(namespace: "sluice-system", name: "sluice"),
                    reflector: ReflectorConfiguration(backoff: Backoff(initial: .milliseconds(20), maximum: .milliseconds(200))),
                    holdOff: HoldOffScheduler(minimum: .milliseconds(20), maximum: .milliseconds(200))))
            controller.start()
            #expect(await eventually("ready") { controller.isReady })
            #expect(controller.table.routes.map(\.source) == ["shop/in-scope"])
            #expect(
                await eventually("status from the out-of-scope publish Service") {
                    let ingress = try? server.objects(Ingress.self, namespace: "shop").first
                    return ingress?.status?.loadBalancer?.ingress == [LoadBalancerIngress(ip: "10.96.7.7")]
                })
            let lists = Set(server.requests.filter { $0.method == "GET" && !$0.isWatch }.map(\.path))
            #expect(
                lists == [
                    "/apis/networking.k8s.io/v1/namespaces/shop/ingresses", "/apis/networking.k8s.io/v1/ingressclasses",
                    "/api/v1/namespaces/shop/services", "/apis/discovery.k8s.io/v1/namespaces/shop/endpointslices",
                    "/api/v1/namespaces/shop/secrets", "/api/v1/namespaces/sluice-system/services",
                ])
            let publishList = server.requests.first { $0.path == "/api/v1/namespaces/sluice-system/services" }
            #expect(publishList?.query["fieldSelector"] == "metadata.name=sluice")
            await controller.stop()
        }
    }
}
