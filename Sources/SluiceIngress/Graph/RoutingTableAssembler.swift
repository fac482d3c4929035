import SluiceRouting

/// The last, separate step of translation: an `IngressGraph` becomes the `RoutingTable` the
/// proxy serves. Hosts in `HostMatch` order, each host's routes longest match first, then the
/// default route. Each virtual host whose TLS slot holds a certificate contributes it to the
/// table's `CertificateTable`, with or without routes (a host named only in `spec.tls` still
/// gets its certificate).
enum RoutingTableAssembler {
    static func table(from graph: IngressGraph) -> RoutingTable {
        let routes = graph.virtualHosts.values.sorted { $0.host < $1.host }.flatMap { virtualHost in
            virtualHost.routesInPrecedenceOrder.map { route($0, host: virtualHost.host, in: graph) }
        }
        return RoutingTable(
            routes: routes,
            defaultBackend: graph.defaultRoute.map { route($0, host: .any, in: graph) },
            certificates: certificates(in: graph))
    }

    private static func certificates(in graph: IngressGraph) -> CertificateTable {
        var hosts: [String: ServingCertificate] = [:]
        for virtualHost in graph.virtualHosts.values where virtualHost.host != .any {
            if let certificate = virtualHost.tls?.certificate {
                hosts[virtualHost.host.text] = certificate
            }
        }
        return CertificateTable(hosts: hosts, defaultCertificate: graph.defaultCertificate)
    }

    /// A reference the graph holds no backend for (a graph built without
    /// `BackendResolutionProcessor`) routes to no endpoints: the proxy answers 503. TLS to the
    /// backend without `proxy-ssl-name` names the Service: `<service>.<namespace>.svc`, the name
    /// certificates of in-cluster services carry (nginx would name its upstream, `$proxy_host`).
    private static func route(_ node: RouteNode, host: HostMatch, in graph: IngressGraph) -> Route {
        let backend = graph.backends[node.backend] ?? Backend(name: node.backend.unresolvedName, endpoints: [])
        var policy = node.policy
        if policy.upstreamProtocol.tls != nil, policy.upstreamProtocol.tls?.serverName == nil {
            policy.upstreamProtocol.tls?.serverName = "\(node.backend.service.name).\(node.backend.namespace).svc"
        }
        let canary = node.canary.map { canary in
            RouteCanary(
                backend: graph.backends[canary.backend] ?? Backend(name: canary.backend.unresolvedName, endpoints: []),
                rule: canary.rule, source: canary.source)
        }
        let fallback = node.fallback.map { graph.backends[$0] ?? Backend(name: $0.unresolvedName, endpoints: []) }
        return Route(
            host: host, path: node.path, backend: backend, policy: policy, source: node.source, canary: canary,
            defaultBackend: fallback)
    }
}
