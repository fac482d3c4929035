import Atomics
import NIOConcurrencyHelpers
import SluiceMetrics

/// Counters of one `ProxyDataPlane`, readable from any thread (tests, a metrics endpoint).
///
/// Each event loop counts into its own ``ProxyMetricsShard`` (see `ProxyLoopContext`), so that no
/// request writes a cache line another core writes too; a read sums the shards (the high-water
/// marks take their maximum).
public final class ProxyMetrics: Sendable {
    private let shards = NIOLockedValueBox<[ProxyMetricsShard]>([])
    /// The routing tables requests are routed with: a scrape exports the request series of the
    /// routes in force only. Nil: every route's.
    private let store: RoutingTableStore?
    private let liveRoutes = NIOLockedValueBox<LiveRouteKeys?>(nil)

    public init() {
        self.store = nil
    }

    init(store: RoutingTableStore) {
        self.store = store
    }

    /// The per-route families of a scrape (see `RouteMetricsExport`).
    func requestFamilies() -> [PrometheusExposition.Family] {
        let live = store.map { LiveRouteKeys.current(of: $0, cache: liveRoutes) }
        return RouteMetricsExport.families(shards.withLockedValue { $0.map(\.requestSeries) }, live: live)
    }

    /// A new shard, for one event loop. Called on that loop, so that its counters are allocated
    /// from that thread's memory.
    func makeShard() -> ProxyMetricsShard {
        let shard = ProxyMetricsShard()
        shards.withLockedValue { $0.append(shard) }
        return shard
    }

    private func sum(_ counter: (ProxyMetricsShard) -> ManagedAtomic<Int>) -> Int {
        shards.withLockedValue { $0.reduce(0) { $0 &+ counter($1).load(ordering: .relaxed) } }
    }

    private func max(_ counter: (ProxyMetricsShard) -> ManagedAtomic<Int>) -> Int {
        shards.withLockedValue { $0.map { counter($0).load(ordering: .relaxed) }.max() ?? 0 }
    }

    /// Request heads received from clients.
    public var requests: Int { sum(\.requests) }
    /// Of ``requests``, those that came on HTTP/2 streams over TLS (`h2`) and in the clear
    /// (`h2c`); the rest came over HTTP/1.x.
    public var http2Requests: Int { sum(\.http2Requests) }
    public var h2cRequests: Int { sum(\.h2cRequests) }
    /// HTTP/2 client connections open now (each also counted in ``openClientConnections``).
    public var openHTTP2Connections: Int { sum(\.openHTTP2Connections) }
    /// TCP connections opened to upstream endpoints.
    public var upstreamConnectionsOpened: Int { sum(\.upstreamConnectionsOpened) }
    /// Requests sent on a pooled (kept-alive) upstream connection.
    public var upstreamConnectionsReused: Int { sum(\.upstreamConnectionsReused) }
    /// Attempts repeated: on another endpoint (`proxy-next-upstream`), or on a new connection after a
    /// dead pooled one.
    public var upstreamRetries: Int { sum(\.upstreamRetries) }
    /// Upstream attempts that failed before a response head, by `UpstreamFailure` kind
    /// (`connect`, `connect_timeout`, `closed_before_response`, `read_timeout`), retried or not.
    public var upstreamFailures: [String: Int] {
        var counts: [String: Int] = [:]
        for (index, kind) in ProxyMetricsShard.failureKinds.enumerated() {
            counts[kind] = sum { $0.upstreamFailures[index] }
        }
        return counts
    }
    /// Times the proxy stopped reading an upstream because its client was not writable.
    public var upstreamReadsPaused: Int { sum(\.upstreamReadsPaused) }
    /// Times the proxy stopped reading a client's request body because its upstream was not writable.
    public var clientReadsPaused: Int { sum(\.clientReadsPaused) }
    /// High-water mark, over all streams, of bytes the proxy had queued toward one client but the
    /// socket had not yet accepted (the client channel's buffered writable bytes). Bounded by the
    /// write-buffer high water mark plus one upstream read, whatever the client does.
    public var maxClientBufferedBytes: Int { max(\.maxClientBufferedBytes) }
    /// The same high-water mark toward upstreams (uploads and tunnels).
    public var maxUpstreamBufferedBytes: Int { max(\.maxUpstreamBufferedBytes) }
    /// Upgraded connections turned into byte tunnels.
    public var tunnelsOpened: Int { sum(\.tunnelsOpened) }
    /// Event streams whose chunked body was relayed as the upstream framed it, past the decoder
    /// and the encoder (see `UpstreamResponseSplitter`).
    public var eventStreamsRelayed: Int { sum(\.eventStreamsRelayed) }
    /// Client connections open now, tunnels included.
    public var openClientConnections: Int { sum(\.openClientConnections) }
    /// Client connections open now on each event loop, in the order the loops served their first
    /// connection. Shows how evenly the listening sockets spread connections over the loops.
    public var openClientConnectionsPerLoop: [Int] {
        shards.withLockedValue { $0.map { $0.openClientConnections.load(ordering: .relaxed) } }
    }
}

/// One event loop's counters. Only that loop writes them; any thread may read them.
final class ProxyMetricsShard: Sendable {
    /// Request series by route (see `LoopRequestMetrics`).
    let requestSeries = RequestMetricsRegistry()
    let requests = ManagedAtomic<Int>(0)
    let http2Requests = ManagedAtomic<Int>(0)
    let h2cRequests = ManagedAtomic<Int>(0)
    let openHTTP2Connections = ManagedAtomic<Int>(0)
    let upstreamConnectionsOpened = ManagedAtomic<Int>(0)
    let upstreamConnectionsReused = ManagedAtomic<Int>(0)
    let upstreamRetries = ManagedAtomic<Int>(0)
    /// By ``failureKinds``' order.
    let upstreamFailures = ProxyMetricsShard.failureKinds.map { _ in ManagedAtomic<Int>(0) }
    let upstreamReadsPaused = ManagedAtomic<Int>(0)
    let clientReadsPaused = ManagedAtomic<Int>(0)
    let maxClientBufferedBytes = ManagedAtomic<Int>(0)
    let maxUpstreamBufferedBytes = ManagedAtomic<Int>(0)
    let tunnelsOpened = ManagedAtomic<Int>(0)
    let eventStreamsRelayed = ManagedAtomic<Int>(0)
    let openClientConnections = ManagedAtomic<Int>(0)

    func requestReceived() { requests.wrappingIncrement(ordering: .relaxed) }
    /// A request on an HTTP/2 stream (`secure`: over TLS).
    func http2RequestReceived(secure: Bool) {
        requests.wrappingIncrement(ordering: .relaxed)
        (secure ? http2Requests : h2cRequests).wrappingIncrement(ordering: .relaxed)
    }
    func http2ConnectionOpened() {
        openClientConnections.wrappingIncrement(ordering: .relaxed)
        openHTTP2Connections.wrappingIncrement(ordering: .relaxed)
    }
    func http2ConnectionClosed() {
        openClientConnections.wrappingDecrement(ordering: .relaxed)
        openHTTP2Connections.wrappingDecrement(ordering: .relaxed)
    }
    func upstreamConnectionOpened() { upstreamConnectionsOpened.wrappingIncrement(ordering: .relaxed) }
    func upstreamConnectionReused() { upstreamConnectionsReused.wrappingIncrement(ordering: .relaxed) }
    func upstreamRetried() { upstreamRetries.wrappingIncrement(ordering: .relaxed) }

    /// The `kind` label of each upstream failure counted (a response status is not one: the
    /// request series count statuses).
    static let failureKinds = ["connect", "connect_timeout", "closed_before_response", "read_timeout"]

    func upstreamFailed(_ failure: UpstreamFailure) {
        let index: Int
        switch failure {
        case .connect: index = 0
        case .connectTimeout: index = 1
        case .closedBeforeResponse: index = 2
        case .readTimeout: index = 3
        case .status: return
        }
        upstreamFailures[index].wrappingIncrement(ordering: .relaxed)
    }
    func upstreamReadPaused() { upstreamReadsPaused.wrappingIncrement(ordering: .relaxed) }
    func clientReadPaused() { clientReadsPaused.wrappingIncrement(ordering: .relaxed) }
    func tunnelOpened() { tunnelsOpened.wrappingIncrement(ordering: .relaxed) }
    func eventStreamRelayed() { eventStreamsRelayed.wrappingIncrement(ordering: .relaxed) }
    func clientConnectionOpened() { openClientConnections.wrappingIncrement(ordering: .relaxed) }
    func clientConnectionClosed() { openClientConnections.wrappingDecrement(ordering: .relaxed) }

    func observeClientBuffered(_ bytes: Int) { maxClientBufferedBytes.raise(to: bytes) }
    func observeUpstreamBuffered(_ bytes: Int) { maxUpstreamBufferedBytes.raise(to: bytes) }
}
