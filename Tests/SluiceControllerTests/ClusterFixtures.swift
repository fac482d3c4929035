import KubeClient
import KubeModels
import SluiceTestSupport

/// Small builders for the objects the controller tests put on the fake API server.
enum ClusterFixtures {
    static let namespace = "shop"

    static func ingressClass() -> IngressClass {
        IngressClass(metadata: ObjectMeta(name: "sluice"), spec: IngressClassSpec(controller: "sluice.io/ingress-controller"))
    }

    static func ingress(
        _ name: String, namespace: String = namespace, host: String = "shop.example.com", path: String = "/",
        service: String = "web", className: String = "sluice", annotations: [String: String]? = nil
    ) -> Ingress {
        Ingress(
            metadata: ObjectMeta(name: name, namespace: namespace, annotations: annotations),
            spec: IngressSpec(
                ingressClassName: className,
                rules: [
                    IngressRule(
                        host: host,
                        http: HTTPIngressRuleValue(paths: [
                            HTTPIngressPath(
                                path: path, pathType: .prefix,
                                backend: IngressBackend(
                                    service: IngressServiceBackend(name: service, port: ServiceBackendPort(number: 80))))
                        ]))
                ]))
    }

    static func service(_ name: String = "web", namespace: String = namespace, targetPort: Int = 8080) -> Service {
        Service(
            metadata: ObjectMeta(name: name, namespace: namespace),
            spec: ServiceSpec(
                type: "ClusterIP", clusterIP: "10.96.0.10",
                ports: [ServicePort(name: "http", port: 80, targetPort: .int(targetPort))]))
    }

    static func endpointSlice(
        _ service: String = "web", namespace: String = namespace, address: String = "127.0.0.1", port: Int = 8080
    ) -> EndpointSlice {
        EndpointSlice(
            metadata: ObjectMeta(
                name: "\(service)-abc", namespace: namespace, labels: [EndpointSlice.serviceNameLabel: service]),
            addressType: "IPv4",
            endpoints: [EndpointSliceEndpoint(addresses: [address], conditions: EndpointConditions(ready: true))],
            ports: [EndpointPort(name: "http", port: port, protocol: "TCP")])
    }

    static func client(
        _ server: FakeKubeAPIServer, token: String = FakeKubeAPIServer.defaultToken,
        requestFailed: @escaping @Sendable (KubeAPIError) -> Void = { _ in }
    ) -> KubeAPIClient {
        KubeAPIClient(
            config: KubeConfig(server: server.baseURL, bearerToken: .literal(token)), requestTimeout: .seconds(10),
            requestFailed: requestFailed)
    }
}

/// Polls `condition` every 10 ms until it holds; records an issue and returns false after `timeout`.
func eventually(
    _ what: String, timeout: Duration = .seconds(15), _ condition: @Sendable () async -> Bool
) async -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while await !condition() {
        guard clock.now < deadline else { return false }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return true
}
