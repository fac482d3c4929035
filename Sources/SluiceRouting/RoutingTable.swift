/// The proxy's complete routing state: an immutable value built once per reconcile and swapped in
/// whole. Lookups are pure and allocation-light; nothing here does I/O.
///
/// Host selection picks the most specific host group that exists (exact, then wildcard, then
/// rules without a host) and never falls through to a less specific group; within the group the
/// longest path wins, Exact before Prefix on a tie. A request no rule matches goes to
/// `defaultBackend`, or gets 404 when there is none.
public struct RoutingTable: Hashable, Sendable {
    /// The catch-all backend (an Ingress's `spec.defaultBackend`), if any.
    public let defaultBackend: Route?
    /// The certificates TLS clients get, by server name.
    public let certificates: CertificateTable
    /// Some host has a certificate of its own: read per plain request (whether it may redirect
    /// to HTTPS) without touching the certificates, which every loop's replica shares.
    public let hasHostCertificates: Bool
    /// The server names whose handshakes ask for a client certificate.
    public let clientCertificateHosts: ClientCertificateHosts
    /// How many routes the hosts hold (the default backend aside).
    public let routeCount: Int

    private let exactHosts: [String: HostRoutes]
    private let wildcardHosts: [String: HostRoutes]
    private let anyHost: HostRoutes?

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

    /// Builds a table from routes already as a table holds them: each host's together, paths in
    /// precedence order, no two with the same host, path and kind. Skips the deduplication and
    /// the sort.
    public init(orderedRoutes: [Route], defaultBackend: Route? = nil, certificates: CertificateTable = .empty) {
        self.init(hosts: HostRoutes.runs(orderedRoutes), defaultBackend: defaultBackend, certificates: certificates)
    }

    /// Builds a table from its hosts, each host at most once.
    public init(hosts: [HostRoutes], defaultBackend: Route? = nil, certificates: CertificateTable = .empty) {
        var exact: [String: HostRoutes] = [:]
        var wildcard: [String: HostRoutes] = [:]
        var any: HostRoutes?
        var count = 0
        for host in hosts {
            assert(Self.slot(host.host, exact, wildcard, any) == nil, "\(host.host) given twice")
            Self.set(host, for: host.host, &exact, &wildcard, &any)
            count += host.routes.count
        }
        self.init(
            exact: exact, wildcard: wildcard, any: any, routeCount: count, defaultBackend: defaultBackend,
            certificates: certificates,
            clientCertificateHosts: ClientCertificateHosts(hosts: hosts, defaultBackend: defaultBackend))
    }

    private init(
        exact: [String: HostRoutes], wildcard: [String: HostRoutes], any: HostRoutes?, routeCount: Int,
        defaultBackend: Route?, certificates: CertificateTable, clientCertificateHosts: ClientCertificateHosts
    ) {
        self.exactHosts = exact
        self.wildcardHosts = wildcard
        self.anyHost = any
        self.routeCount = routeCount
        self.defaultBackend = defaultBackend
        self.certificates = certificates
        self.hasHostCertificates = certificates.hasHostCertificates
        self.clientCertificateHosts = clientCertificateHosts
    }

    /// This table with the hosts in `removed` taken out and `added` put in (a host in both is
    /// replaced): the hosts not named stay shared with this table, replicas included. Costs a
    /// copy of the host index, not of the routes.
    public func replacingHosts(
        _ removed: some Sequence<HostMatch>, with added: some Sequence<HostRoutes>, defaultBackend: Route?,
        certificates: CertificateTable
    ) -> RoutingTable {
        var exact = exactHosts
        var wildcard = wildcardHosts
        var any = anyHost
        var count = routeCount
        var trusts = clientCertificateHosts
        for host in removed {
            guard let old = Self.slot(host, exact, wildcard, any) else { continue }
            count -= old.routes.count
            Self.set(nil, for: host, &exact, &wildcard, &any)
            trusts.set(nil, for: host)
        }
        for host in added {
            if let old = Self.slot(host.host, exact, wildcard, any) { count -= old.routes.count }
            Self.set(host, for: host.host, &exact, &wildcard, &any)
            count += host.routes.count
            trusts.set(host.clientCertificateTrust, for: host.host)
        }
        trusts.setDefaultBackend(defaultBackend)
        return RoutingTable(
            exact: exact, wildcard: wildcard, any: any, routeCount: count, defaultBackend: defaultBackend,
            certificates: certificates, clientCertificateHosts: trusts)
    }

    /// An empty table: every request gets 404.
    public static let empty = RoutingTable(routes: [])

    /// Every host, in `HostMatch` order. Sorts: for tests, logs and the table's text, not requests.
    public var hosts: [HostRoutes] {
        hostsInNoOrder.sorted { $0.host < $1.host }
    }

    /// Every host, in no particular order.
    public var hostsInNoOrder: [HostRoutes] {
        var all = Array(exactHosts.values) + Array(wildcardHosts.values)
        if let anyHost { all.append(anyHost) }
        return all
    }

    /// All routes, in precedence order within each host (see `PathMatch.precedes`), hosts in
    /// `HostMatch` order. Made on each call, like ``hosts``.
    public var routes: [Route] { hosts.flatMap(\.routes) }

    /// The routes of `host` as the table holds them, if any.
    public func routes(of host: HostMatch) -> HostRoutes? {
        Self.slot(host, exactHosts, wildcardHosts, anyHost)
    }

    /// Finds the route for a request. `host` is the raw `Host` header (port and case are
    /// ignored); `path` is the request path without the query string.
    public func match(host: Substring, path: Substring) -> Route? {
        if let candidates = routesFor(normalizedHost: HostMatch.normalize(hostHeader: host)) {
            for route in candidates.routes where route.path.matches(path: path) {
                return route
            }
        }
        return defaultBackend
    }

    private func routesFor(normalizedHost host: String) -> HostRoutes? {
        if let routes = exactHosts[host] { return routes }
        if !wildcardHosts.isEmpty, let dot = host.utf8.firstIndex(of: UInt8(ascii: ".")), dot != host.startIndex,
            let routes = wildcardHosts[String(host[dot...])]
        {
            return routes
        }
        return anyHost
    }

    /// A copy for event loop `index` that shares no storage with this table nor with another
    /// loop's: each host's replica is made once and shared by the replicas of every table that
    /// holds the host (see ``HostRoutes``). Equal to this table.
    public func replica(forLoop index: Int) -> RoutingTable {
        RoutingTable(
            exact: exactHosts.mapValues { $0.replica(forLoop: index) },
            wildcard: wildcardHosts.mapValues { $0.replica(forLoop: index) },
            any: anyHost?.replica(forLoop: index), routeCount: routeCount,
            defaultBackend: {
                var policies: [ObjectIdentifier: RoutePolicy] = [:]
                return defaultBackend?.replica(forLoop: index, policies: &policies)
            }(),
            // Read per handshake, not per request: shared.
            certificates: certificates, clientCertificateHosts: clientCertificateHosts)
    }

    private static func slot(
        _ host: HostMatch, _ exact: [String: HostRoutes], _ wildcard: [String: HostRoutes], _ any: HostRoutes?
    ) -> HostRoutes? {
        switch host {
        case .exact(let h): return exact[h]
        case .wildcard(let s): return wildcard[s]
        case .any: return any
        }
    }

    private static func set(
        _ routes: HostRoutes?, for host: HostMatch, _ exact: inout [String: HostRoutes],
        _ wildcard: inout [String: HostRoutes], _ any: inout HostRoutes?
    ) {
        switch host {
        case .exact(let h): exact[h] = routes
        case .wildcard(let s): wildcard[s] = routes
        case .any: any = routes
        }
    }

    public static func == (lhs: RoutingTable, rhs: RoutingTable) -> Bool {
        lhs.routeCount == rhs.routeCount && lhs.defaultBackend == rhs.defaultBackend && lhs.anyHost == rhs.anyHost
            && lhs.exactHosts == rhs.exactHosts && lhs.wildcardHosts == rhs.wildcardHosts
            && lhs.certificates == rhs.certificates
    }

    /// Consistent with `==` without visiting every host.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(routeCount)
        hasher.combine(exactHosts.count)
        hasher.combine(wildcardHosts.count)
        hasher.combine(defaultBackend)
    }
}

private struct RouteKey: Hashable {
    var host: HostMatch
    var path: PathMatch
}
