import KubeModels
import Testing

@testable import SluiceController

@Suite struct StatusComputationTests {
    private func ingress(_ name: String, addresses: [LoadBalancerIngress] = []) -> Ingress {
        Ingress(
            metadata: ObjectMeta(name: name, namespace: "shop"),
            status: IngressStatus(loadBalancer: LoadBalancerStatus(ingress: addresses)))
    }

    private func publishService(balancer: [LoadBalancerIngress] = [], clusterIP: String? = "10.96.0.5") -> Service {
        Service(
            metadata: ObjectMeta(name: "sluice", namespace: "sluice-system"), spec: ServiceSpec(clusterIP: clusterIP),
            status: ServiceStatus(loadBalancer: LoadBalancerStatus(ingress: balancer)))
    }

    @Test func publishServiceLoadBalancerAddressesWin() {
        let source = StatusAddressSource.service("sluice-system/sluice")
        let balancer = [LoadBalancerIngress(hostname: "lb.example.com"), LoadBalancerIngress(ip: "192.0.2.10")]
        let desired = StatusComputation.desiredAddresses(source: source!, publishService: publishService(balancer: balancer))
        #expect(desired == [LoadBalancerIngress(hostname: "lb.example.com"), LoadBalancerIngress(ip: "192.0.2.10")])
    }

    @Test func clusterIPWhenTheServiceHasNoLoadBalancer() {
        let desired = StatusComputation.desiredAddresses(
            source: .service(namespace: "sluice-system", name: "sluice"), publishService: publishService())
        #expect(desired == [LoadBalancerIngress(ip: "10.96.0.5")])
    }

    @Test func unknownWhileThePublishServiceIsMissingAndNothingWithoutASource() {
        #expect(StatusComputation.desiredAddresses(source: .service(namespace: "a", name: "b"), publishService: nil) == nil)
        #expect(StatusComputation.desiredAddresses(source: .none, publishService: publishService()) == nil)
    }

    @Test func staticAddressesSplitIntoIPsAndHostnames() {
        let source = StatusAddressSource.addresses(commaSeparated: "192.0.2.1, lb.example.com,2001:db8::1")
        #expect(
            StatusComputation.desiredAddresses(source: source, publishService: nil) == [
                LoadBalancerIngress(hostname: "lb.example.com"), LoadBalancerIngress(ip: "192.0.2.1"),
                LoadBalancerIngress(ip: "2001:db8::1"),
            ])
        #expect(StatusAddressSource.service("no-slash") == nil)
    }

    @Test func onlyDifferencesAreWrittenAndFormerIngressesAreCleared() {
        let ours = [LoadBalancerIngress(ip: "192.0.2.10")]
        let ingresses = [
            ingress("new"),
            ingress("unchanged", addresses: ours),
            ingress("stale", addresses: [LoadBalancerIngress(ip: "192.0.2.99")]),
            ingress("given-away", addresses: [LoadBalancerIngress(ip: "192.0.2.77")]),
            ingress("someone-elses", addresses: [LoadBalancerIngress(ip: "198.51.100.1")]),
            ingress("still-carrying-ours", addresses: ours),
        ]
        let updates = StatusComputation.updates(
            ingresses: ingresses, owned: ["shop/new", "shop/unchanged", "shop/stale"],
            previouslyOwned: ["shop/given-away"], desired: ours)
        #expect(
            updates == [
                StatusUpdate(namespace: "shop", name: "given-away", addresses: []),
                StatusUpdate(namespace: "shop", name: "new", addresses: ours),
                StatusUpdate(namespace: "shop", name: "stale", addresses: ours),
                StatusUpdate(namespace: "shop", name: "still-carrying-ours", addresses: []),
            ])
    }
}
