import Synchronization

/// One host's routes in precedence order: the unit a ``RoutingTable`` is made of. A table made
/// from another (``RoutingTable/replacingHosts(_:with:defaultBackend:certificates:)``) shares the
/// hosts that did not change with it, and so do the per-event-loop replicas: each host's replica
/// for a loop is made once and kept with the host, so publishing a table whose hosts changed a
/// little copies only what changed.
public final class HostRoutes: Hashable, Sendable {
    public let host: HostMatch
    /// Every route with `host`, in `PathMatch.precedes` order, no two with the same path.
    public let routes: [Route]
    /// What a handshake for this host checks a client certificate against: the first route's
    /// trust that has one.
    let clientCertificateTrust: ClientCertificateAuth.Trust?
    /// Replicas by event loop index, made on first request by the publisher (before the table
    /// is live) and read by that loop only. The lock is taken per host and table swap, never
    /// per request.
    private let replicas = Mutex<[HostRoutes]>([])

    /// `routes` as described above; each has `host`.
    public init(host: HostMatch, routes: [Route]) {
        self.host = host
        self.routes = routes
        self.clientCertificateTrust = routes.lazy.compactMap { $0.policy.clientCertificate?.trust }.first
    }

    private init(replicating original: HostRoutes, loop index: Int) {
        host = original.host.replica()
        var policies: [ObjectIdentifier: RoutePolicy] = [:]
        routes = original.routes.map { $0.replica(forLoop: index, policies: &policies) }
        clientCertificateTrust = original.clientCertificateTrust
    }

    /// A copy sharing no storage with this one or with another loop's (`RoutingTable.replica`),
    /// the same on every call with the same `index`.
    func replica(forLoop index: Int) -> HostRoutes {
        replicas.withLock { made in
            while made.count <= index { made.append(HostRoutes(replicating: self, loop: made.count)) }
            return made[index]
        }
    }

    public static func == (lhs: HostRoutes, rhs: HostRoutes) -> Bool {
        lhs === rhs || (lhs.host == rhs.host && lhs.routes == rhs.routes)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(host)
        hasher.combine(routes)
    }

    /// A table's routes in their order, split into hosts (each host's routes are together).
    static func runs(_ routes: [Route]) -> [HostRoutes] {
        var hosts: [HostRoutes] = []
        var start = routes.startIndex
        while start < routes.endIndex {
            let host = routes[start].host
            var end = start + 1
            while end < routes.endIndex, routes[end].host == host { end += 1 }
            hosts.append(HostRoutes(host: host, routes: Array(routes[start..<end])))
            start = end
        }
        return hosts
    }
}
