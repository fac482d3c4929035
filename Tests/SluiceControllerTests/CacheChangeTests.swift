import KubeModels
import Testing

@testable import SluiceController

/// Which writes can change the routing table: the pure classification the cache marks by.
@Suite struct CacheChangeTests {
    @Test func anIngressStatusOrBookkeepingChangeIsStatusOnly() {
        var before = ClusterFixtures.ingress("a")
        before.metadata.resourceVersion = "1"
        before.metadata.generation = 1
        var after = before
        after.metadata.resourceVersion = "2"
        after.status = IngressStatus(loadBalancer: LoadBalancerStatus(ingress: [LoadBalancerIngress(ip: "192.0.2.1")]))
        #expect(CacheChange.between(before, before) == .none)
        #expect(CacheChange.between(before, after) == .statusOnly)
    }

    @Test func anIngressSpecOrAnnotationChangeIsATranslationInput() {
        let before = ClusterFixtures.ingress("a")
        var annotated = before
        annotated.metadata.annotations = ["sluice.io/read-timeout": "5s"]
        var labelled = before
        labelled.metadata.labels = ["team": "shop"]
        #expect(CacheChange.between(before, annotated) == .translationInput)
        #expect(CacheChange.between(before, labelled) == .translationInput)
        #expect(CacheChange.between(before, ClusterFixtures.ingress("a", path: "/api")) == .translationInput)
        #expect(CacheChange.between(nil, before) == .translationInput)
        #expect(CacheChange.between(before, nil as Ingress?) == .translationInput)
    }

    @Test func anEndpointSliceTriggerTimeIsStatusOnlyItsEndpointsAreNot() {
        let before = ClusterFixtures.endpointSlice()
        var touched = before
        touched.metadata.annotations = ["endpoints.kubernetes.io/last-change-trigger-time": "2026-12-06T12:00:00Z"]
        touched.metadata.resourceVersion = "9"
        #expect(CacheChange.between(before, touched) == .statusOnly)
        #expect(CacheChange.between(before, ClusterFixtures.endpointSlice(address: "127.0.0.2")) == .translationInput)
    }

    @Test func aServiceLoadBalancerStatusIsStatusOnly() {
        let before = ClusterFixtures.service()
        var after = before
        after.status = ServiceStatus(loadBalancer: LoadBalancerStatus(ingress: [LoadBalancerIngress(ip: "192.0.2.9")]))
        #expect(CacheChange.between(before, after) == .statusOnly)
        #expect(CacheChange.between(before, ClusterFixtures.service(targetPort: 9090)) == .translationInput)
    }

    @Test func aListIsJudgedByItsMostSignificantChange() {
        let a = ClusterFixtures.ingress("a")
        let b = ClusterFixtures.ingress("b")
        var bWithStatus = b
        bWithStatus.status = IngressStatus(loadBalancer: LoadBalancerStatus(ingress: [LoadBalancerIngress(ip: "192.0.2.1")]))
        let current: ObjectMap<Ingress> = ["shop/a": a, "shop/b": b]
        #expect(CacheChange.between(current, current) == .none)
        #expect(CacheChange.between(current, ObjectMap(["shop/a": a, "shop/b": bWithStatus])) == .statusOnly)
        #expect(CacheChange.between(current, ObjectMap(["shop/a": a])) == .translationInput)
        #expect(CacheChange.between(current, ObjectMap(["shop/a": a, "shop/c": ClusterFixtures.ingress("c")])) == .translationInput)
    }
}
