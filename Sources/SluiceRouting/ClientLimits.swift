/// How much one client address may ask of a route at once and over time (`limit-connections`,
/// `sluice.io/max-streams`, `limit-rps`, `limit-rpm`, `limit-burst-multiplier`,
/// `limit-allowlist`): beyond it a request gets `503` with `Retry-After`, and the backend never
/// sees it. Counted per replica (one table shared by the proxy's event loops), per Ingress and
/// client address, as ingress-nginx counts per Ingress in each controller pod.
public struct ClientLimits: Hashable, Sendable {
    /// Requests of one client address in flight at once on the Ingress's routes: the lower of
    /// `limit-connections` and `max-streams` (a stream is a request whose response has not
    /// ended); nil: no cap.
    public var maxInFlight: Int?
    /// Requests one client address may start: a token bucket per rate (`limit-rps` and
    /// `limit-rpm` both apply when both are set, as in ingress-nginx).
    public var rates: [RequestRate]
    /// Client addresses no limit applies to (`limit-allowlist`).
    public var exempt: [AddressRange]

    public init(maxInFlight: Int? = nil, rates: [RequestRate] = [], exempt: [AddressRange] = []) {
        self.maxInFlight = maxInFlight
        self.rates = rates
        self.exempt = exempt
    }

    /// Whether `address` is exempt. An unknown address is not.
    public func exempts(_ address: IPAddress?) -> Bool {
        guard let address else { return false }
        return exempt.contains { $0.contains(address) }
    }
}

/// A request rate as nginx's `limit_req` with `nodelay` (ingress-nginx's `limit-rps`/`limit-rpm`):
/// `requests` per `period`, and up to `burst` more at once beyond the rate (`requests` ×
/// `limit-burst-multiplier`); a request over it is refused, never delayed.
public struct RequestRate: Hashable, Sendable {
    public var requests: Int
    public var period: Duration
    public var burst: Int

    public init(requests: Int, period: Duration, burst: Int) {
        self.requests = requests
        self.period = period
        self.burst = burst
    }

    /// How many requests a client that sent none lately may send at once: the burst and the one
    /// the rate allows now (nginx lets `burst + 1` through).
    public var capacity: Int { burst + 1 }
}
