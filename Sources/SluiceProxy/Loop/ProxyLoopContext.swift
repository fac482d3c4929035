import NIOCore
import NIOHTTP1
import SluiceRouting

/// What one event loop's connections share, and nothing another loop writes: the upstream pools,
/// the loop's replica of the routing table, its load-balancing turns, its metric counters, its
/// request-id generator, the wheel its connections' deadlines are filed in, its access log
/// buffer and its lookup of TLS clients to backends.
///
/// A request touches only its own loop's state (nginx's workers and Envoy's per-worker state
/// work the same way): state that several loops write, even a shared atomic counter or the
/// reference count of a shared string, makes each request move cache lines between cores. (Routes
/// balanced by `least_streams` or `ewma` are the exception they ask for: their endpoints'
/// requests in flight are counted across loops, `EndpointLoad`.)
final class ProxyLoopContext {
    let eventLoop: any EventLoop
    let pool: UpstreamConnectionPool
    /// Multiplexed connections to HTTP/2 upstreams (`H2C`, `GRPC`).
    let http2Pool: HTTP2UpstreamPool
    let metrics: ProxyMetricsShard
    /// Request metrics by route (cells this loop writes; scrapes read them through `metrics`).
    let requestMetrics: LoopRequestMetrics
    let routes: LoopRoutingTable
    var balancer: EndpointBalancer
    var stickyTokens = StickyTokenCache()
    var requestIDs = RequestIDGenerator()
    let deadlines: DeadlineWheel
    /// Nil when the access log is off.
    let accessLog: AccessLogWriter?
    var upstreamTLS: UpstreamTLSLookup
    /// External auth allows kept for `auth-cache-duration`.
    var authCache = ExternalAuthCache()
    /// Passwords recently checked good by basic authentication.
    var basicAuthCache = BasicAuthCache()
    /// Basic-auth password checks waiting for or running on the thread pool
    /// (`ProxyConfiguration.maxPasswordChecksInFlight`).
    var passwordChecksInFlight = 0
    let maxPasswordChecksInFlight: Int

    init(
        eventLoop: any EventLoop, pool: UpstreamConnectionPool, http2Pool: HTTP2UpstreamPool, metrics: ProxyMetricsShard,
        routes: LoopRoutingTable, deadlines: DeadlineWheel, accessLog: AccessLogWriter?, upstreamTLS: UpstreamTLSLookup,
        endpointLoads: EndpointLoads, maxPasswordChecksInFlight: Int = 64
    ) {
        self.balancer = EndpointBalancer(registry: endpointLoads)
        self.maxPasswordChecksInFlight = maxPasswordChecksInFlight
        self.upstreamTLS = upstreamTLS
        self.eventLoop = eventLoop
        self.pool = pool
        self.http2Pool = http2Pool
        self.metrics = metrics
        self.requestMetrics = LoopRequestMetrics(registry: metrics.requestSeries)
        self.routes = routes
        self.deadlines = deadlines
        self.accessLog = accessLog
    }
}

extension ProxyLoopContext {
    /// The loop's clock: every deadline and timestamp of its connections is read from it, so
    /// that a test can drive them on an `EmbeddedEventLoop`.
    var now: NIODeadline { eventLoop.now }

    /// The TLS client a route's backend is spoken to with; nil: plain TCP. A plain route is
    /// answered before the lookup is entered (no access to the mutable lookup per request).
    @inline(__always)
    func upstreamTLSClient(for route: RoutePolicy) -> UpstreamTLSClient? {
        guard route.upstreamProtocol.tls != nil else { return nil }
        return upstreamTLS.client(for: route.upstreamProtocol)
    }
}

extension ProxyLoopContext {
    /// The endpoint for `head` (as `RequestDecision` forwards it) on `route`, from the client
    /// `facts` describe (behind a trusted proxy, the one its `X-Forwarded-For` names); nil when
    /// the backend has none.
    /// A route with sticky sessions asks the balancer only for a request without a cookie
    /// naming a ready endpoint (`pickSticky`).
    func pickEndpoint(for route: Route, head: HTTPRequestHead, facts: ClientConnectionFacts) -> EndpointPick? {
        func choose() -> EndpointPick? {
            balancer.pick(
                route, head: head,
                clientIP: { facts.trustsForwarding ? RequestDecision.clientAddress(head, facts: facts)?.description : facts.clientIP },
                generation: routes.generation, now: { now.uptimeNanoseconds }, random: &requestIDs)
        }
        guard let affinity = route.policy.sessionAffinity else { return choose() }
        return pickSticky(route, affinity: affinity, head: head, https: facts.proto == "https", choose: choose)
    }
}

@available(*, unavailable)
extension ProxyLoopContext: Sendable {}
