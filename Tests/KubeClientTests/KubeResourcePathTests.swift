import KubeClient
import Testing

@Suite struct KubeResourcePathTests {
    @Test func buildsCoreAndGroupPaths() {
        #expect(KubeResourcePath.ingresses.path == "/apis/networking.k8s.io/v1/ingresses")
        #expect(KubeResourcePath.ingresses.namespace("ns").path == "/apis/networking.k8s.io/v1/namespaces/ns/ingresses")
        #expect(
            KubeResourcePath.ingresses.namespace("ns").named("web").subresource("status").path
                == "/apis/networking.k8s.io/v1/namespaces/ns/ingresses/web/status")
        #expect(KubeResourcePath.services.path == "/api/v1/services")
        #expect(KubeResourcePath.events.namespace("ns").path == "/api/v1/namespaces/ns/events")
        #expect(KubeResourcePath.endpointSlices.path == "/apis/discovery.k8s.io/v1/endpointslices")
        #expect(KubeResourcePath.leases.namespace("kube-system").named("sluice").path
            == "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/sluice")
        #expect(KubeResourcePath.ingressClasses.named("sluice").path == "/apis/networking.k8s.io/v1/ingressclasses/sluice")
    }

    @Test func namesTheResourceAsRBACDoes() {
        #expect(KubeResourcePath.ingresses.named("a").subresource("status").qualifiedResource == "ingresses.networking.k8s.io/status")
        #expect(KubeResourcePath.secrets.qualifiedResource == "secrets")
    }
}
