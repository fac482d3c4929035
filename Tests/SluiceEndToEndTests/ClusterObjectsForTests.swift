import KubeClient
import KubeModels
import SluiceTestSupport

/// The objects the end-to-end tests put on the fake API server: one Service + EndpointSlice per
/// upstream, and Ingresses routing paths to them.
enum ClusterObjectsForTests {
    static let namespace = "shop"

    static let ingressClass = IngressClass(
        metadata: ObjectMeta(name: "sluice"), spec: IngressClassSpec(controller: "sluice.io/ingress-controller"))

    /// A Service `name` whose only endpoint is the upstream on 127.0.0.1:`port`.
    static func put(service name: String, port: Int, on server: FakeKubeAPIServer) throws {
        try server.put(
            Service(
                metadata: ObjectMeta(name: name, namespace: namespace),
                spec: ServiceSpec(clusterIP: "10.96.0.20", ports: [ServicePort(name: "http", port: 80, targetPort: .int(port))])))
        try server.put(
            EndpointSlice(
                metadata: ObjectMeta(name: "\(name)-x1", namespace: namespace, labels: [EndpointSlice.serviceNameLabel: name]),
                addressType: "IPv4",
                endpoints: [EndpointSliceEndpoint(addresses: ["127.0.0.1"], conditions: EndpointConditions(ready: true))],
                ports: [EndpointPort(name: "http", port: port, protocol: "TCP")]))
    }

    /// An Ingress of class sluice for `host`, each path (Prefix) to its Service's port 80.
    static func ingress(
        _ name: String, host: String = "shop.example.com", paths: [(String, String)],
        annotations: [String: String]? = nil
    ) -> Ingress {
        Ingress(
            metadata: ObjectMeta(name: name, namespace: namespace, annotations: annotations),
            spec: IngressSpec(
                ingressClassName: "sluice",
                rules: [
                    IngressRule(
                        host: host,
                        http: HTTPIngressRuleValue(
                            paths: paths.map { path, service in
                                HTTPIngressPath(
                                    path: path, pathType: .prefix,
                                    backend: IngressBackend(
                                        service: IngressServiceBackend(name: service, port: ServiceBackendPort(number: 80))))
                            }))
                ]))
    }

    static func client(_ server: FakeKubeAPIServer, token: String = FakeKubeAPIServer.defaultToken) -> KubeAPIClient {
        KubeAPIClient(config: KubeConfig(server: server.baseURL, bearerToken: .literal(token)), requestTimeout: .seconds(10))
    }
}
