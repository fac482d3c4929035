import KubeModels
import SluiceTestSupport
import Testing

@testable import SluiceController

@Suite struct ControllerStatusTests {
    private func addresses(_ server: FakeKubeAPIServer, _ name: String) -> [LoadBalancerIngress] {
        let ingress = try? server.objects(Ingress.self, namespace: ClusterFixtures.namespace).first { $0.metadata.name == name }
        return ingress?.status?.loadBalancer?.ingress ?? []
    }

    private func statusPatches(_ server: FakeKubeAPIServer) -> [FakeKubeRequest] {
        server.requests.filter { $0.method == "PATCH" && $0.path.hasSuffix("/status") }
    }

    @Test func publishServiceAddressesAreWrittenFollowedAndClearedWhenNoLongerOurs() async throws {
        try await FakeKubeAPIServer.withServer { server in
            try server.put(ClusterFixtures.ingressClass())
            try server.put(ClusterFixtures.service())
            try server.put(ClusterFixtures.ingress("mine"))
            try server.put(ClusterFixtures.ingress("theirs", className: "nginx"))
            var publish = Service(
                metadata: ObjectMeta(name: "sluice", namespace: "sluice-system"),
                spec: ServiceSpec(type: "LoadBalancer", clusterIP: "10.96.0.99"),
                status: ServiceStatus(loadBalancer: LoadBalancerStatus(ingress: [LoadBalancerIngress(ip: "192.0.2.10")])))
            try server.put(publish)
            let controller = RunningController(
                server,
                configuration: RunningController.configuration(
                    statusAddresses: .service(namespace: "sluice-system", name: "sluice")))
            controller.start()

            #expect(await eventually("status written") { addresses(server, "mine") == [LoadBalancerIngress(ip: "192.0.2.10")] })
            #expect(addresses(server, "theirs").isEmpty)

            // The load balancer gets a new address: every Ingress of ours follows.
            publish.status = ServiceStatus(loadBalancer: LoadBalancerStatus(ingress: [LoadBalancerIngress(hostname: "lb.example.com")]))
            try server.put(publish)
            #expect(await eventually("status follows") { addresses(server, "mine") == [LoadBalancerIngress(hostname: "lb.example.com")] })

            // Steady state: the status is not written again.
            let patches = statusPatches(server).count
            try server.put(ClusterFixtures.service("unrelated"))
            #expect(await eventually("unrelated change reconciled") { controller.table.routes.count == 1 && controller.publishCount >= 1 })
            try await Task.sleep(for: .milliseconds(300))
            #expect(statusPatches(server).count == patches)

            // Handed to another class: cleared.
            // (A real PUT leaves status alone; the fake's replaces all, so carry the status over.)
            var handedOver = try #require(try server.objects(Ingress.self).first { $0.metadata.name == "mine" })
            handedOver.spec?.ingressClassName = "nginx"
            try server.put(handedOver)
            #expect(await eventually("status cleared") { addresses(server, "mine").isEmpty })
            let body = String(decoding: try #require(statusPatches(server).last).body, as: UTF8.self)
            #expect(body.contains(#""ingress":[]"#))
            await controller.stop()
        }
    }

    @Test func staticAddressesAndTheClusterIPFallback() async throws {
        try await FakeKubeAPIServer.withServer { server in
            try server.put(ClusterFixtures.ingressClass())
            try server.put(ClusterFixtures.ingress("a"))
            let controller = RunningController(
                server, configuration: RunningController.configuration(statusAddresses: .addresses(commaSeparated: "192.0.2.1,edge.example.com")))
            controller.start()
            #expect(
                await eventually("static addresses") {
                    addresses(server, "a") == [LoadBalancerIngress(hostname: "edge.example.com"), LoadBalancerIngress(ip: "192.0.2.1")]
                })
            await controller.stop()
        }
    }

    /// The status writer looks only at the Ingresses written since its last pass, except when
    /// something else decides which Ingresses are ours: here their IngressClass changes hands,
    /// and the Ingresses, not written themselves, are cleared.
    @Test func anIngressClassChangeClearsIngressesThatWereNotWritten() async throws {
        try await FakeKubeAPIServer.withServer { server in
            try server.put(ClusterFixtures.ingressClass())
            try server.put(ClusterFixtures.service())
            for name in ["a", "b"] { try server.put(ClusterFixtures.ingress(name, host: "\(name).example.com")) }
            let controller = RunningController(
                server, configuration: RunningController.configuration(statusAddresses: .addresses(commaSeparated: "192.0.2.1")))
            controller.start()
            #expect(await eventually("status written") {
                addresses(server, "a") == [LoadBalancerIngress(ip: "192.0.2.1")] && addresses(server, "b") == [LoadBalancerIngress(ip: "192.0.2.1")]
            })
            var handedOver = ClusterFixtures.ingressClass()
            handedOver.spec?.controller = "example.com/another-controller"
            try server.put(handedOver)
            #expect(await eventually("statuses cleared") { addresses(server, "a").isEmpty && addresses(server, "b").isEmpty })
            await controller.stop()
        }
    }

    /// Many Ingresses: the writes go out several at once and every one lands exactly once.
    @Test func manyStatusesAreEachWrittenOnce() async throws {
        try await FakeKubeAPIServer.withServer { server in
            try server.put(ClusterFixtures.ingressClass())
            let names = (0..<300).map { "i\($0)" }
            for name in names { try server.put(ClusterFixtures.ingress(name, host: "\(name).example.com")) }
            let controller = RunningController(
                server, configuration: RunningController.configuration(statusAddresses: .addresses(commaSeparated: "192.0.2.1")))
            controller.start()
            #expect(await eventually("every status written", timeout: .seconds(60)) {
                let written = (try? server.objects(Ingress.self)) ?? []
                return written.count == 300 && written.allSatisfy { $0.status?.loadBalancer?.ingress == [LoadBalancerIngress(ip: "192.0.2.1")] }
            })
            try await Task.sleep(for: .milliseconds(300))
            #expect(statusPatches(server).count == 300)
            await controller.stop()
        }
    }
}
