/// What the connections of one event loop share without locks: the upstream connection pool and
/// the request-id generator. Created once per loop by `ProxyPipeline`; each client connection
/// looks it up once, when it is set up.
final class ProxyLoopContext {
    let pool: UpstreamConnectionPool
    var requestIDs = RequestIDGenerator()

    init(pool: UpstreamConnectionPool) {
        self.pool = pool
    }
}

@available(*, unavailable)
extension ProxyLoopContext: Sendable {}
