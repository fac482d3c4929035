import SluiceRouting

/// The intermediate between Ingresses and the routing table, read the way Contour's DAG reads:
/// virtual hosts (each with a slot for its TLS) → routes → backends.
///
/// `IngressGraphBuilder` fills it from a snapshot; `RoutingTableAssembler` turns it into the
/// `RoutingTable` the proxy serves. Whatever else comes to produce routes (TLS serving, Gateway
/// API) adds to this graph rather than to the table.
struct IngressGraph: Hashable, Sendable {
    /// One node per host; `.any` is the catch-all host of rules that name none.
    var virtualHosts: [HostMatch: VirtualHostNode] = [:]
    /// `spec.defaultBackend`: where requests go that no route of any virtual host matches
    /// (not a route of the `.any` host, which a request for a named host never reaches).
    var defaultRoute: RouteNode?
    /// Every backend the routes reference, each resolved once.
    var backends: [BackendReference: Backend] = [:]
    /// `--default-ssl-certificate`, when its Secret passed the checks; nil: the listener's
    /// generated certificate.
    var defaultCertificate: ServingCertificate?

    /// The virtual host for `host`, created empty if absent, for in-place edits.
    subscript(host host: HostMatch) -> VirtualHostNode {
        get { virtualHosts[host] ?? VirtualHostNode(host: host) }
        set { virtualHosts[host] = newValue }
    }

    /// Every backend reference in the graph: the routes' and the default route's.
    var backendReferences: Set<BackendReference> {
        var references = Set(virtualHosts.values.flatMap {
            $0.routes.values.flatMap { [$0.backend] + ($0.canary.map { [$0.backend] } ?? []) + ($0.fallback.map { [$0] } ?? []) }
        })
        if let defaultRoute { references.insert(defaultRoute.backend) }
        return references
    }
}

/// One host and everything served under it.
struct VirtualHostNode: Hashable, Sendable {
    var host: HostMatch
    /// Filled from `spec.tls` for the hosts listed there.
    var tls: VirtualHostTLS?
    /// At most one route per path and kind: the first Ingress (oldest) to claim it keeps it.
    var routes: [PathMatch: RouteNode] = [:]

    init(host: HostMatch, tls: VirtualHostTLS? = nil, routes: [PathMatch: RouteNode] = [:]) {
        self.host = host
        self.tls = tls
        self.routes = routes
    }

    /// Longest path first, Exact before Prefix on a tie (`PathMatch.precedes`).
    var routesInPrecedenceOrder: [RouteNode] {
        routes.values.sorted { PathMatch.precedes($0.path, $1.path) }
    }
}

/// One path of a virtual host, naming (not holding) its backend.
struct RouteNode: Hashable, Sendable {
    var path: PathMatch
    var backend: BackendReference
    var policy: RoutePolicy
    /// `namespace/name` of the Ingress that claimed this route.
    var source: String
    /// A canary Ingress's share of the route's requests.
    var canary: CanaryNode?
    /// The Ingress's `default-backend` annotation's Service (see `Route.defaultBackend`).
    var fallback: BackendReference?

    /// The default route matches every path; the table consults it last.
    static func matchingEveryPath(backend: BackendReference, policy: RoutePolicy, source: String) -> RouteNode {
        RouteNode(path: .prefix(""), backend: backend, policy: policy, source: source)
    }
}

/// A canary Ingress's claim on a route of another: its backend and which requests it takes.
struct CanaryNode: Hashable, Sendable {
    var backend: BackendReference
    var rule: CanaryRule
    var source: String
}
