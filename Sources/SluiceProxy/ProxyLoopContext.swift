/// What one event loop's connections share, and nothing another loop writes: the upstream pool,
/// the loop's replica of the routing table, its round-robin positions, its metric counters and
/// its request-id generator.
///
/// A request touches only its own loop's state (nginx's workers and Envoy's per-worker state
/// work the same way): on this proxy's 2-core benchmark machine, two shared atomic counters per
/// request alone cost about 10% of the requests per second, from moving their cache line
/// between the cores.
final class ProxyLoopContext {
    let pool: UpstreamConnectionPool
    let metrics: ProxyMetricsShard
    let routes: LoopRoutingTable
    var balancer = RoundRobinBalancer()
    var requestIDs = RequestIDGenerator()

    init(pool: UpstreamConnectionPool, metrics: ProxyMetricsShard, routes: LoopRoutingTable) {
        self.pool = pool
        self.metrics = metrics
        self.routes = routes
    }
}

@available(*, unavailable)
extension ProxyLoopContext: Sendable {}
