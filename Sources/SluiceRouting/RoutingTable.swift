/// The proxy's complete routing state: an immutable value built once per reconcile and swapped in
/// whole. Lookups are pure and allocation-light; nothing here does I/O.
///
/// Host selection picks the most specific host group that exists (exact, then wildcard, then
/// rules without a host) and never falls through to a less specific group; within the group the
/// longest path wins, Exact before Prefix on a tie. A request no rule matches goes to
/// `defaultBackend`, or gets 404 when there is none.
public struct RoutingTable: Hashable, Sendable {
    /// All routes, in precedence order within each host (see `PathMatch.precedes`).
    public let routes: [Route]
    /// The catch-all backend (an Ingress's `spec.defaultBackend`), if any.
    public let defaultBackend: Route?
    /// The certificates TLS clients get, by server name.
    public let certificates: CertificateTable
    /// Some host has a certificate of its own: read per plain request (whether it may redirect
    /// to HTTPS) without touching the certificates, which every loop's replica shares.
    public let hasHostCertificates: Bool
    /// The server names whose handshakes ask for a client certificate.
    public let clientCertificateHosts: ClientCertificateHosts

    private let exactHosts: [String: [Route]]
    private let wildcardHosts: [String: [Route]]
    private let anyHost: [Route]

    /// Builds a table. When two routes share host, path and kind, the first one given wins;
    /// translation orders its input so that this is the oldest Ingress.
    public init(routes: [Route], defaultBackend: Route? = nil, certificates: CertificateTable = .empty) {
        var seen = Set<RouteKey>()
        var kept: [Route] = []
        for route in routes where seen.insert(RouteKey(host: route.host, path: route.path)).inserted {
            kept.append(route)
        }
        kept.sort { a, b in
            if a.host != b.host { return a.host < b.host }
            return PathMatch.precedes(a.path, b.path)
        }
        self.init(orderedRoutes: kept, defaultBackend: defaultBackend, certificates: certificates)
    }

    /// Builds a table from routes already as a table holds them: each host's together, hosts in
    /// order, paths in precedence order, no two with the same host, path and kind — another
    /// table's `routes` (a replica), or tables with disjoint hosts merged in host order (the
    /// incremental translator). Skips the deduplication and the sort, which are most of the cost
    /// of a large table.
    public init(orderedRoutes kept: [Route], defaultBackend: Route? = nil, certificates: CertificateTable = .empty) {
        self.routes = kept
        self.defaultBackend = defaultBackend
        self.certificates = certificates
        self.hasHostCertificates = certificates.hasHostCertificates
        var certificateRoutes = kept
        if let defaultBackend { certificateRoutes.append(defaultBackend) }
        self.clientCertificateHosts = ClientCertificateHosts(routes: certificateRoutes)

        var exact: [String: [Route]] = [:]
        var wildcard: [String: [Route]] = [:]
        var any: [Route] = []
        for route in kept {
            switch route.host {
            case .exact(let h): exact[h, default: []].append(route)
            case .wildcard(let s): wildcard[s, default: []].append(route)
            case .any: any.append(route)
            }
        }
        self.exactHosts = exact
        self.wildcardHosts = wildcard
        self.anyHost = any
    }

    /// An empty table: every request gets 404.
    public static let empty = RoutingTable(routes: [])

    /// Finds the route for a request. `host` is the raw `Host` header (port and case are
    /// ignored); `path` is the request path without the query string.
    public func match(host: Substring, path: Substring) -> Route? {
        let candidates = routesFor(normalizedHost: HostMatch.normalize(hostHeader: host))
        for route in candidates where route.path.matches(path: path) {
            return route
        }
        return defaultBackend
    }

    private func routesFor(normalizedHost host: String) -> [Route] {
        if let routes = exactHosts[host] { return routes }
        if !wildcardHosts.isEmpty, let dot = host.utf8.firstIndex(of: UInt8(ascii: ".")), dot != host.startIndex,
            let routes = wildcardHosts[String(host[dot...])]
        {
            return routes
        }
        return anyHost
    }

    public static func == (lhs: RoutingTable, rhs: RoutingTable) -> Bool {
        lhs.routes == rhs.routes && lhs.defaultBackend == rhs.defaultBackend && lhs.certificates == rhs.certificates
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(routes)
        hasher.combine(defaultBackend)
        hasher.combine(certificates)
    }
}

private struct RouteKey: Hashable {
    var host: HostMatch
    var path: PathMatch
}
