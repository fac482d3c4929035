import SluiceRouting

/// The last, separate step of translation: an `IngressGraph` becomes the `RoutingTable` the
/// proxy serves. Hosts in `HostMatch` order, each host's routes longest match first, then the
/// default route; a virtual host without routes (named only in `spec.tls`) contributes nothing.
enum RoutingTableAssembler {
    static func table(from graph: IngressGraph) -> RoutingTable {
        let routes = graph.virtualHosts.values.sorted { $0.host < $1.host }.flatMap { virtualHost in
            virtualHost.routesInPrecedenceOrder.map { route($0, host: virtualHost.host, in: graph) }
        }
        return RoutingTable(routes: routes, defaultBackend: graph.defaultRoute.map { route($0, host: .any, in: graph) })
    }

    /// A reference the graph holds no backend for (a graph built without
    /// `BackendResolutionProcessor`) routes to no endpoints: the proxy answers 503.
    private static func route(_ node: RouteNode, host: HostMatch, in graph: IngressGraph) -> Route {
        let backend = graph.backends[node.backend] ?? Backend(name: node.backend.unresolvedName, endpoints: [])
        return Route(host: host, path: node.path, backend: backend, policy: node.policy, source: node.source)
    }
}
