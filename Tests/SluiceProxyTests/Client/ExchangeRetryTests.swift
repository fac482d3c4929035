import NIOCore
import NIOEmbedded
import SluiceRouting
import Testing

@testable import SluiceProxy

/// Retries and error pages as state transitions on one `EmbeddedEventLoop`
/// (`EmbeddedProxyConnection`), the clock in the test's hands: what each upstream connection
/// gets, and what the client gets, after each event. `ProxyRetryTests` and `ProxyErrorPageTests`
/// prove the same over real sockets.
@Suite("Exchange retries")
struct ExchangeRetryTests {
    private static let first = Endpoint(host: "10.0.0.1", port: 8080)
    private static let second = Endpoint(host: "10.0.0.2", port: 8080)

    private static func table(_ policy: RoutePolicy, defaultBackend: Endpoint? = nil) -> RoutingTable {
        RoutingTable(routes: [
            Route(
                host: HostMatch(ingressHost: "example.com"), path: .prefix(ingressPath: "/"),
                backend: Backend(name: "default/app:80", endpoints: [first, second]), policy: policy, source: "default/app",
                defaultBackend: defaultBackend.map { Backend(name: "default/errors:8080", endpoints: [$0]) })
        ])
    }

    private static func retrying(_ conditions: RetryPolicy.Conditions, readTimeout: Duration = .seconds(60)) -> RoutePolicy {
        var policy = RoutePolicy(readTimeout: readTimeout)
        policy.retry = RetryPolicy(conditions: conditions, tries: 0)
        return policy
    }

    /// `timeout`: no head within the read timeout, and the request goes to the next endpoint,
    /// whose clock starts when the request reaches it.
    @Test func aSilentUpstreamIsLeftForTheNextAtTheReadTimeout() throws {
        let proxy = try EmbeddedProxyConnection(Self.table(Self.retrying(.timeout, readTimeout: .seconds(30))))
        try proxy.clientSends(Wire.get("/slow"))
        #expect(try proxy.upstreamReceived(0).hasPrefix("GET /slow HTTP/1.1\r\n"))
        proxy.advance(by: .seconds(31))
        #expect(try proxy.clientReceived() == "")
        #expect(proxy.upstreams.count == 2)
        #expect(!proxy.upstreams[0].isActive)
        #expect(try proxy.upstreamReceived(1).hasPrefix("GET /slow HTTP/1.1\r\n"))
        // The retry went out when the first deadline ran, at 30 s: the second clock runs to 60 s.
        proxy.advance(by: .seconds(28))
        try proxy.upstream(1, sends: Wire.ok("second"))
        let response = try proxy.clientReceived()
        #expect(response.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(response.hasSuffix("\r\n\r\nsecond"))
    }

    /// A `502` head is dropped with its connection, and the `PUT` goes to the next endpoint with
    /// its body (kept while it went up).
    @Test func a502IsReplayedWithItsBodyOnTheNextEndpoint() throws {
        let proxy = try EmbeddedProxyConnection(Self.table(Self.retrying(.http502)))
        try proxy.clientSends("PUT /doc HTTP/1.1\r\nHost: example.com\r\nContent-Length: 5\r\n\r\nhel")
        try proxy.clientSends("lo")
        #expect(try proxy.upstreamReceived(0).hasSuffix("\r\n\r\nhello"))
        try proxy.upstream(0, sends: "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 3\r\n\r\nbad")
        #expect(try proxy.clientReceived() == "")
        #expect(!proxy.upstreams[0].isActive)
        let replay = try proxy.upstreamReceived(1)
        #expect(replay.hasPrefix("PUT /doc HTTP/1.1\r\n"))
        #expect(replay.hasSuffix("\r\n\r\nhello"))
        try proxy.upstream(1, sends: Wire.ok("stored"))
        #expect(try proxy.clientReceived().hasSuffix("\r\n\r\nstored"))
    }

    /// A body larger than what is kept for a replay: its `502` goes to the client.
    @Test func aBodyBeyondTheKeptBoundIsNotReplayed() throws {
        let proxy = try EmbeddedProxyConnection(Self.table(Self.retrying(.http502)))
        let size = RetryDecision.maxReplayBodyBytes + 1
        try proxy.clientSends("PUT /doc HTTP/1.1\r\nHost: example.com\r\nContent-Length: \(size)\r\n\r\n")
        try proxy.clientSends(String(repeating: "x", count: size))
        _ = try proxy.upstreamReceived(0)
        try proxy.upstream(0, sends: "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 3\r\n\r\nbad")
        #expect(try proxy.clientReceived().hasPrefix("HTTP/1.1 502 Bad Gateway\r\n"))
        #expect(proxy.upstreams.count == 1)
    }

    /// A stream whose upstream closed after its first event: the client has that event and is
    /// cut; no other endpoint is asked.
    @Test func aStreamThatBrokeAfterItsFirstEventIsNotReplayed() throws {
        let everything = RetryPolicy.Conditions.words.reduce(into: RetryPolicy.Conditions()) { $0.insert($1.0) }
        let proxy = try EmbeddedProxyConnection(Self.table(Self.retrying(everything)))
        try proxy.clientSends(Wire.get("/events", "Accept: text/event-stream\r\n"))
        try proxy.upstream(0, sends: Wire.eventStreamHead + Wire.chunk("data: 1\n\n"))
        #expect(try proxy.clientReceived().hasSuffix("data: 1\n\n\r\n"))
        try proxy.upstreams[0].close().wait()
        proxy.loop.run()
        #expect(proxy.upstreams.count == 1)
        #expect(!proxy.client.isActive)
        #expect(try proxy.clientReceived() == "", "cut: no terminating chunk, nothing else")
    }

    /// An interim `103` reached the client: the `502` after it is the client's.
    @Test func noRetryOnceAnInterimResponseReachedTheClient() throws {
        let proxy = try EmbeddedProxyConnection(Self.table(Self.retrying(.http502)))
        try proxy.clientSends(Wire.get("/"))
        try proxy.upstream(
            0, sends: "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\nHTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
        let received = try proxy.clientReceived()
        #expect(received.hasPrefix("HTTP/1.1 103 Early Hints\r\n"))
        #expect(received.contains("HTTP/1.1 502 Bad Gateway\r\n"))
        #expect(proxy.upstreams.count == 1)
    }

    /// `custom-http-errors`: the `503` is dropped, the Ingress's default backend gets a `GET`
    /// with `X-Code`, and its answer is the client's.
    @Test func aListedStatusIsReplacedByTheDefaultBackendsPage() throws {
        var policy = RoutePolicy()
        policy.customHTTPErrors = [503]
        let errors = Endpoint(host: "10.0.9.1", port: 8080)
        let proxy = try EmbeddedProxyConnection(Self.table(policy, defaultBackend: errors))
        try proxy.clientSends("POST /pay HTTP/1.1\r\nHost: example.com\r\nContent-Length: 2\r\n\r\nok")
        _ = try proxy.upstreamReceived(0)
        try proxy.upstream(0, sends: "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy")
        #expect(try proxy.clientReceived() == "")
        let page = try proxy.upstreamReceived(1)
        #expect(page.hasPrefix("GET / HTTP/1.1\r\n"))
        #expect(page.contains("\r\nX-Code: 503\r\n"))
        #expect(page.contains("\r\nX-Original-URI: /pay\r\n"))
        #expect(!page.contains("Content-Length"), "the client's body is not the page request's")
        try proxy.upstream(1, sends: "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 9\r\n\r\nerror 503")
        let response = try proxy.clientReceived()
        #expect(response.hasPrefix("HTTP/1.1 503 Service Unavailable\r\n"))
        #expect(response.hasSuffix("\r\n\r\nerror 503"))
    }
}
