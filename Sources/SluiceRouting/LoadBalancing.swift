/// How a route picks one of its backend's ready endpoints for each request (`load-balance`,
/// `upstream-hash-by`).
public enum LoadBalancing: Hashable, Sendable {
    /// Each endpoint in turn (each event loop keeps its own turn).
    case roundRobin
    /// The endpoint with the fewest requests in flight (open streams included), counted across
    /// every event loop; ties broken at random. The default of routes with `sse-paths`: a
    /// stream holds its endpoint for minutes or hours, so taking turns would give a pod with
    /// hundreds of open streams as many new ones as a pod with ten.
    case leastStreams
    /// The endpoint with the lowest latency score: a decaying average of its time to the
    /// response head, peak-sensitive, times its requests in flight (ingress-nginx's `ewma`).
    case ewma
    /// Consistent hashing of a key made from each request (rendezvous hashing): one key always
    /// reaches one endpoint while the endpoints stay the same, and removing one of N endpoints
    /// moves only the keys it had (about 1/N). A request whose every variable is empty is
    /// balanced round-robin.
    case hash([RequestKeyPart])

    /// Whether choosing needs each endpoint's requests in flight (`EndpointLoad`): requests of
    /// routes that balance otherwise are not counted, and cost nothing.
    public var countsInFlight: Bool {
        switch self {
        case .leastStreams, .ewma: true
        case .roundRobin, .hash: false
        }
    }

    /// As `RoutingTableText` and the `load-balance` annotation write it; a hash as its template.
    public var text: String {
        switch self {
        case .roundRobin: "round_robin"
        case .leastStreams: "least_streams"
        case .ewma: "ewma"
        case .hash(let parts): parts.map(\.text).joined()
        }
    }

    /// The same value with strings of its own (see `RoutingTable.replica()`).
    func replica() -> LoadBalancing {
        guard case .hash(let parts) = self else { return self }
        return .hash(parts.map { $0.replica() })
    }
}
