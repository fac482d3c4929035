import NIOCore
import NIOEmbedded
import NIOHTTP1
import SluiceRouting
import Testing

@testable import SluiceProxy

/// HTTP/2 streams through the one proxy core (`EmbeddedHTTP2Connection`): each stream is an
/// `ExchangeClient` of a `ProxiedExchange`, with the routing, upstream pool, relay and deadlines
/// of an HTTP/1 request, and what goes wrong with one stream stays with that stream.
@Suite("HTTP/2 stream handler")
struct HTTP2StreamHandlerTests {
    private static func table(_ policy: RoutePolicy = .default) -> RoutingTable {
        EmbeddedUpstreams.table(policy)
    }

    @Test func aGetGoesUpstreamAsHTTP1AndItsAnswerComesBackOnTheStream() throws {
        let proxy = try EmbeddedHTTP2Connection(Self.table())
        let (_, response) = try proxy.request(EmbeddedHTTP2Connection.get("/a?x=1"))
        let sent = try proxy.upstreams.received()
        // An HTTP/2 request's field names are lowercase (`:authority` became `host`), and go
        // upstream as they came.
        #expect(sent.hasPrefix("GET /a?x=1 HTTP/1.1\r\nhost: example.com\r\n"))
        #expect(sent.contains("X-Forwarded-For: 192.0.2.7\r\n"))
        #expect(sent.hasSuffix("\r\n\r\n"))

        try proxy.upstream(sends: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\nhello")
        #expect(response.head?.status == .ok)
        #expect(response.head?.headers["content-length"] == ["5"])
        #expect(response.head?.headers["connection"] == [], "no connection-specific field crosses into HTTP/2")
        #expect(response.head?.headers["keep-alive"] == [])
        #expect(response.body == "hello")
        #expect(response.ended)

        let (_, second) = try proxy.request(EmbeddedHTTP2Connection.get("/b"))
        #expect(proxy.upstreams.opened.count == 1, "the kept-alive upstream connection is reused")
        #expect(try proxy.upstreams.received().hasPrefix("GET /b HTTP/1.1\r\n"))
        try proxy.upstream(sends: "HTTP/1.1 204 No Content\r\n\r\n")
        #expect(second.head?.status == .noContent)
        #expect(second.ended)
    }

    /// Each upstream chunk of an event stream leaves as DATA when it arrives, not at the end.
    @Test func anEventStreamArrivesEventByEvent() throws {
        let proxy = try EmbeddedHTTP2Connection(Self.table())
        let (_, stream) = try proxy.request(EmbeddedHTTP2Connection.get("/events", [("accept", "text/event-stream")]))
        try proxy.upstream(sends: Wire.eventStreamHead + Wire.chunk("data: 1\n\n"))
        #expect(stream.head?.status == .ok)
        #expect(stream.head?.headers["x-accel-buffering"] == ["no"])
        #expect(stream.takeBody() == "data: 1\n\n")
        #expect(!stream.ended)

        try proxy.upstream(sends: Wire.chunk("data: 2\n\n"))
        #expect(stream.takeBody() == "data: 2\n\n")
        try proxy.upstream(sends: "0\r\n\r\n")
        #expect(stream.ended)
    }

    /// An upstream gone in the middle of one stream's response resets that stream; the other
    /// stream of the connection completes.
    @Test func anUpstreamFailureResetsOnlyItsStream() throws {
        let proxy = try EmbeddedHTTP2Connection(Self.table())
        let (_, first) = try proxy.request(EmbeddedHTTP2Connection.get("/events", [("accept", "text/event-stream")]))
        let (_, second) = try proxy.request(EmbeddedHTTP2Connection.get("/b"))
        #expect(proxy.upstreams.opened.count == 2)
        try proxy.upstream(0, sends: Wire.eventStreamHead + Wire.chunk("data: 1\n\n"))
        #expect(first.takeBody() == "data: 1\n\n")

        try proxy.upstreams.opened[0].close().wait()
        try proxy.moveBytes()
        #expect(first.closed)
        #expect(!first.ended, "a cut stream does not pass for a complete one")

        try proxy.upstream(1, sends: Wire.ok("fine"))
        #expect(second.body == "fine")
        #expect(second.ended)
    }

    @Test func aRequestNothingServesGets404OnItsStream() throws {
        let proxy = try EmbeddedHTTP2Connection(Self.table())
        let (_, response) = try proxy.request(EmbeddedHTTP2Connection.get("/", host: "other.example"))
        #expect(response.head?.status == .notFound)
        #expect(response.ended)
        #expect(proxy.upstreams.opened.isEmpty)
    }

    /// The exchange's deadlines run for a stream as for an HTTP/1 request: an upstream silent for
    /// the route's read timeout gets the stream a `504`.
    @Test func aSilentUpstreamGetsTheStreamA504() throws {
        var policy = RoutePolicy.default
        policy.readTimeout = .seconds(5)
        let proxy = try EmbeddedHTTP2Connection(Self.table(policy))
        let (_, response) = try proxy.request(EmbeddedHTTP2Connection.get("/slow"))
        #expect(proxy.upstreams.opened.count == 1)
        try proxy.advance(by: .seconds(4))
        #expect(response.head == nil)
        try proxy.advance(by: .seconds(2))
        #expect(response.head?.status == .gatewayTimeout)
        #expect(response.ended)
        #expect(!proxy.upstreams.opened[0].isActive)
    }

    /// A route that compresses does so over HTTP/2 as over HTTP/1.1: gzip, flushed at each
    /// upstream read burst, `Vary: Accept-Encoding`.
    @Test func aCompressibleResponseIsCompressedOnItsStream() throws {
        var policy = RoutePolicy.default
        policy.compression = true
        let proxy = try EmbeddedHTTP2Connection(Self.table(policy))
        let (_, response) = try proxy.request(EmbeddedHTTP2Connection.get("/page", [("accept-encoding", "gzip")]))
        let page = String(repeating: "<p>hello, streams</p>\n", count: 200)
        try proxy.upstream(sends: "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: \(page.utf8.count)\r\n\r\n" + page)
        #expect(response.head?.headers["content-encoding"] == ["gzip"])
        #expect(response.head?.headers["content-length"] == [])
        #expect(response.head?.headers["vary"] == ["Accept-Encoding"])
        #expect(response.ended)
        #expect(response.bodyBytes.count < page.utf8.count / 4)
        #expect(inflate(response.bodyBytes, windowBits: 31).map { String(decoding: $0, as: UTF8.self) } == page)
    }

    /// A gRPC request the proxy answers itself gets a gRPC status in one header block
    /// (trailers-only: `grpc-status` in the head, which ends the stream), not a text page.
    @Test func aGRPCRequestNothingServesGetsUnimplemented() throws {
        let proxy = try EmbeddedHTTP2Connection(Self.table())
        let (_, response) = try proxy.request(
            EmbeddedHTTP2Connection.get("/pkg.Service/Call", host: "other.example", [("content-type", "application/grpc+proto")]))
        #expect(response.head?.status == .ok)
        #expect(response.head?.headers["content-type"] == ["application/grpc"])
        #expect(response.head?.headers["grpc-status"] == ["12"])
        #expect(response.head?.headers["grpc-message"].first?.contains("no route") == true)
        #expect(response.body.isEmpty)
        #expect(response.ended)
    }

    /// The proxy's own timeout is `DEADLINE_EXCEEDED` to a gRPC client.
    @Test func aGRPCRequestWhoseUpstreamIsSilentGetsDeadlineExceeded() throws {
        var policy = RoutePolicy.default
        policy.readTimeout = .seconds(5)
        let proxy = try EmbeddedHTTP2Connection(Self.table(policy))
        let (_, response) = try proxy.request(EmbeddedHTTP2Connection.get("/pkg.Service/Call", [("content-type", "application/grpc")]))
        try proxy.advance(by: .seconds(6))
        #expect(response.head?.status == .ok)
        #expect(response.head?.headers["grpc-status"] == ["4"])
        #expect(response.ended)
    }
}
