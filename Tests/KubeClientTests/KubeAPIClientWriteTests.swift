import Foundation
import KubeClient
import KubeModels
import SluiceTestSupport
import Testing

@Suite struct KubeAPIClientWriteTests {
    @Test func patchesIngressStatusWithAMergePatch() async throws {
        try await FakeKubeAPIServer.withServer { server in
            try server.put(TestIngress(namespace: "shop", name: "web"))
            struct StatusPatch: Encodable { var status: TestIngress.Status }
            let patch = StatusPatch(status: .init(loadBalancer: LoadBalancerStatus(ingress: [LoadBalancerIngress(ip: "192.0.2.10")])))
            let path = KubeResourcePath.ingresses.namespace("shop").named("web")

            let patched = try await makeClient(server).patchStatus(path, patch, as: TestIngress.self)

            #expect(patched.status?.loadBalancer?.ingress == [LoadBalancerIngress(ip: "192.0.2.10")])
            #expect(patched.spec?.rules?.first?.host == "example.com")
            let stored = try server.objects(TestIngress.self, namespace: "shop")
            #expect(stored.first?.status?.loadBalancer?.ingress?.first?.ip == "192.0.2.10")
            let request = try #require(server.requests.last)
            #expect(request.method == "PATCH")
            #expect(request.path == "/apis/networking.k8s.io/v1/namespaces/shop/ingresses/web/status")
            #expect(request.headers["content-type"] == "application/merge-patch+json")
            #expect(String(decoding: request.body, as: UTF8.self) == #"{"status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.10"}]}}}"#)
        }
    }

    @Test func createsAnEventWithAGeneratedNameAndRepeatsItByPatch() async throws {
        try await FakeKubeAPIServer.withServer { server in
            let client = makeClient(server)
            let event = Event(
                metadata: ObjectMeta(generateName: "web.", namespace: "shop"),
                involvedObject: InvolvedObject(apiVersion: "networking.k8s.io/v1", kind: "Ingress", namespace: "shop", name: "web", uid: "u-1"),
                reason: "BadAnnotation", message: "sluice.io/proxy-read-timeout: \"soon\" is not a duration", type: "Warning",
                source: EventSource(component: "sluice"), firstTimestamp: "2026-11-22T03:15:23Z",
                lastTimestamp: "2026-11-22T03:15:23Z", count: 1)

            let created = try await client.create(.events.namespace("shop"), event)

            let name = try #require(created.metadata.name)
            #expect(name.hasPrefix("web.") && name.count > 4)
            #expect(created.involvedObject == event.involvedObject)
            #expect(created.metadata.resourceVersion != nil)
            #expect(try server.objects(Event.self, namespace: "shop").map(\.reason) == ["BadAnnotation"])
            #expect(server.requests.last?.method == "POST" && server.requests.last?.path == "/api/v1/namespaces/shop/events")

            struct Repeat: Encodable { var count: Int; var lastTimestamp: String }
            let repeated = try await client.patch(
                .events.namespace("shop").named(name), Repeat(count: 2, lastTimestamp: "2026-11-22T03:20:00Z"), as: Event.self)
            #expect(repeated.count == 2 && repeated.lastTimestamp == "2026-11-22T03:20:00Z")
            #expect(repeated.firstTimestamp == "2026-11-22T03:15:23Z")
        }
    }

    @Test func leaseUpdateWithAStaleVersionConflicts() async throws {
        try await FakeKubeAPIServer.withServer { server in
            let client = makeClient(server)
            let path = KubeResourcePath.leases.namespace("sluice")
            let lease = Lease(
                metadata: ObjectMeta(name: "sluice-leader", namespace: "sluice"),
                spec: LeaseSpec(holderIdentity: "pod-a", leaseDurationSeconds: 15, acquireTime: "2026-11-22T03:15:23.000000Z", renewTime: "2026-11-22T03:15:23.000000Z", leaseTransitions: 0))

            let created = try await client.create(path, lease)
            #expect(created.spec == lease.spec)

            var renewed = created
            renewed.spec?.renewTime = "2026-11-22T03:15:28.000000Z"
            let afterRenew = try await client.update(path.named("sluice-leader"), renewed)
            #expect(afterRenew.metadata.resourceVersion != created.metadata.resourceVersion)

            var stale = created
            stale.spec?.holderIdentity = "pod-b"
            await #expect {
                _ = try await client.update(path.named("sluice-leader"), stale)
            } throws: { error in
                guard case .conflict(let status) = error as? KubeAPIError else { return false }
                return status.code == 409 && status.reason == "Conflict"
            }
            let current = try await client.get(path.named("sluice-leader"), as: Lease.self)
            #expect(current.spec?.holderIdentity == "pod-a")
            #expect(current.spec?.renewTime == "2026-11-22T03:15:28.000000Z")

            await #expect {
                _ = try await client.create(path, lease)
            } throws: { error in
                guard case .conflict(let status) = error as? KubeAPIError else { return false }
                return status.reason == "AlreadyExists"
            }
        }
    }

    @Test func getOfAMissingObjectIsNotFound() async throws {
        try await FakeKubeAPIServer.withServer { server in
            await #expect {
                _ = try await makeClient(server).get(.leases.namespace("x").named("nope"), as: Lease.self)
            } throws: { error in
                guard case .notFound = error as? KubeAPIError else { return false }
                return true
            }
        }
    }
}
