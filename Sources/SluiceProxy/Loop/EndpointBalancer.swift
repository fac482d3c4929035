import NIOHTTP1
import SluiceRouting

/// The endpoint a request goes to, and its place among the endpoint's requests in flight when
/// the route counts them.
struct EndpointPick {
    var endpoint: Endpoint
    var slot: EndpointLoadSlot?
    /// The sticky session's `Set-Cookie` when the request got a new endpoint (`pickSticky`).
    var setCookie: ResponseField?
    /// The route's sticky cookie, for a retry that moves the session (`change-on-failure`).
    var sticky: StickyCookie?
}

/// One event loop's load-balancing state: round-robin turns per backend name (no lock: over
/// several loops the spread stays even), and the shared `EndpointLoad`s of the backends it
/// balanced by count under its current table. Decides by `route.policy.loadBalancing` with
/// `EndpointChoice`; a round-robin route touches nothing another loop writes.
struct EndpointBalancer {
    private var turns: [String: Int] = [:]
    private let registry: EndpointLoads
    /// The loads of each backend name balanced by count under table `loadsGeneration`.
    private var loadsByBackend: [String: [EndpointLoad]] = [:]
    private var loadsGeneration: UInt64 = 0

    init(registry: EndpointLoads) {
        self.registry = registry
    }

    /// The endpoint for a request `head` (after `RequestDecision`) of `route` from the client
    /// at `clientIP`, or nil when the backend has none. `generation` is the loop's table's
    /// (`LoopRoutingTable.generation`); `now` the loop's clock, in monotonic nanoseconds. The
    /// client's address and the clock are asked only by the policies that need them.
    mutating func pick(
        _ route: Route, head: HTTPRequestHead, clientIP: () -> String?, generation: UInt64, now: () -> UInt64,
        random: inout some RandomNumberGenerator
    ) -> EndpointPick? {
        let backend = route.backend
        switch route.policy.loadBalancing {
        case .roundRobin:
            return inTurn(backend).map { EndpointPick(endpoint: $0) }
        case .hash(let parts):
            guard backend.endpoints.count > 1,
                let key = RequestKey.hash(parts, head: head, clientIP: parts.contains(.remoteAddress) ? clientIP() : nil)
            else {
                return inTurn(backend).map { EndpointPick(endpoint: $0) }
            }
            return EndpointPick(endpoint: backend.endpoints[EndpointChoice.rendezvous(key: key, endpoints: backend.endpoints)])
        case .leastStreams:
            guard !backend.endpoints.isEmpty else { return nil }
            let loads = self.loads(of: backend, generation: generation)
            let index = EndpointChoice.leastLoaded(count: loads.count, inFlight: { loads[$0].inFlight }, random: &random)
            return EndpointPick(endpoint: backend.endpoints[index], slot: EndpointLoadSlot(loads[index], at: now(), tracksLatency: false))
        case .ewma:
            guard !backend.endpoints.isEmpty else { return nil }
            let loads = self.loads(of: backend, generation: generation)
            let time = now()
            let index = EndpointChoice.lowerCostOfTwo(count: loads.count, cost: { loads[$0].cost(at: time) }, random: &random)
            return EndpointPick(endpoint: backend.endpoints[index], slot: EndpointLoadSlot(loads[index], at: time, tracksLatency: true))
        }
    }

    /// A retry's place on `endpoint` in place of `failed`'s (nil when the route does not count).
    func slot(for endpoint: Endpoint, replacing failed: EndpointLoadSlot?, at now: UInt64) -> EndpointLoadSlot? {
        guard let failed else { return nil }
        return EndpointLoadSlot(registry.loads(for: [endpoint])[0], at: now, tracksLatency: failed.tracksLatency)
    }

    /// A place on `endpoint` for a request of a route balanced by `balancing` that did not
    /// choose it (a sticky session's); nil when the route does not count.
    func slot(for endpoint: Endpoint, balancing: LoadBalancing, at now: UInt64) -> EndpointLoadSlot? {
        guard balancing.countsInFlight else { return nil }
        return EndpointLoadSlot(registry.loads(for: [endpoint])[0], at: now, tracksLatency: balancing == .ewma)
    }

    private mutating func inTurn(_ backend: Backend) -> Endpoint? {
        guard backend.endpoints.count > 1 else { return backend.endpoints.first }
        let index = turns[backend.name, default: 0]
        turns[backend.name] = index &+ 1
        return backend.endpoints[index % backend.endpoints.count]
    }

    /// The loads of `backend`'s endpoints, in their order: from the registry once per backend
    /// and table.
    private mutating func loads(of backend: Backend, generation: UInt64) -> [EndpointLoad] {
        if generation != loadsGeneration {
            loadsByBackend.removeAll()
            loadsGeneration = generation
        }
        if let loads = loadsByBackend[backend.name], loads.count == backend.endpoints.count { return loads }
        let loads = registry.loads(for: backend.endpoints)
        loadsByBackend[backend.name] = loads
        return loads
    }
}
