import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import SluiceRouting
import Testing

@testable import SluiceProxy

/// The client connection handler's state transitions on one `EmbeddedEventLoop`
/// (`EmbeddedProxyConnection`): what reaches the upstream and the client after each event, and
/// every deadline fired by moving the loop's clock. The loopback suites prove the same over real
/// sockets; these pin the order of events exactly.
@Suite("Client connection handler")
struct ClientConnectionHandlerTests {
    private static func table(_ policy: RoutePolicy = .default) -> RoutingTable {
        EmbeddedUpstreams.table(policy)
    }

    @Test func aKeepAliveExchangeIsProxiedAndItsUpstreamReused() throws {
        let proxy = try EmbeddedProxyConnection(Self.table())
        try proxy.clientSends(Wire.get("/a"))
        #expect(try proxy.upstreamReceived().hasPrefix("GET /a HTTP/1.1\r\nHost: example.com\r\n"))
        try proxy.upstream(sends: Wire.ok("hello"))
        let response = try proxy.clientReceived()
        #expect(response.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(response.hasSuffix("\r\n\r\nhello"))

        try proxy.clientSends(Wire.get("/b"))
        #expect(proxy.upstreams.count == 1, "the kept-alive upstream connection is reused")
        #expect(try proxy.upstreamReceived().hasPrefix("GET /b HTTP/1.1\r\n"))
    }

    /// A request pipelined behind an event stream reaches the upstream only when the stream
    /// ends, and its answer follows the stream's end on the client connection.
    @Test func aRequestPipelinedBehindAStreamWaitsForTheStreamsEnd() throws {
        let proxy = try EmbeddedProxyConnection(Self.table())
        try proxy.clientSends(Wire.get("/events", "Accept: text/event-stream\r\n") + Wire.get("/next"))
        let sent = try proxy.upstreamReceived()
        #expect(sent.hasPrefix("GET /events HTTP/1.1\r\n"))
        #expect(!sent.contains("/next"))

        try proxy.upstream(sends: Wire.eventStreamHead + Wire.chunk("data: 1\n\n"))
        let streamed = try proxy.clientReceived()
        #expect(streamed.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(streamed.contains("X-Accel-Buffering: no\r\n"))
        #expect(streamed.hasSuffix("9\r\ndata: 1\n\n\r\n"))
        #expect(try proxy.upstreamReceived() == "", "nothing of /next while the stream lasts")

        try proxy.upstream(sends: Wire.chunk("data: 2\n\n") + "0\r\n\r\n")
        #expect(try proxy.clientReceived() == "9\r\ndata: 2\n\n\r\n0\r\n\r\n")
        #expect(try proxy.upstreamReceived().hasPrefix("GET /next HTTP/1.1\r\n"))
        try proxy.upstream(sends: Wire.ok("next"))
        #expect(try proxy.clientReceived().hasSuffix("\r\n\r\nnext"))
    }

    /// A client gone in the middle of its upload takes the upstream connection with it: the
    /// upstream never sees a complete request.
    @Test func aClientClosingMidUploadClosesItsUpstream() throws {
        let proxy = try EmbeddedProxyConnection(Self.table())
        try proxy.clientSends("POST /upload HTTP/1.1\r\nHost: example.com\r\nContent-Length: 100\r\n\r\n0123456789")
        let sent = try proxy.upstreamReceived()
        #expect(sent.hasPrefix("POST /upload HTTP/1.1\r\n"))
        #expect(sent.hasSuffix("\r\n\r\n0123456789"))
        #expect(proxy.upstreams[0].isActive)
        try proxy.client.close().wait()
        #expect(!proxy.upstreams[0].isActive)
    }

    /// A client gone in the middle of a `Content-Length` upload is logged in both logs: the
    /// access log (`499`, with the upstream it was sent to) and the error log (nginx's "client
    /// prematurely closed connection").
    @Test func anUploadCutByTheClientIsLogged() throws {
        let lines = NIOLockedValueBox<[String]>([])
        let log = AccessLog { line in lines.withLockedValue { $0.append(line) } }
        let proxy = try EmbeddedProxyConnection(Self.table(), configuration: ProxyConfiguration(accessLog: log))
        try proxy.clientSends("POST /upload HTTP/1.1\r\nHost: example.com\r\nContent-Length: 100\r\n\r\n0123456789")
        try proxy.client.close().wait()
        proxy.advance(by: .seconds(1))
        let entry = try #require(lines.withLockedValue { $0 }.first)
        let fields = try #require(try JSONSerialization.jsonObject(with: Data(entry.utf8)) as? [String: Any])
        #expect(fields["status"] as? Int == 499)
        #expect(fields["outcome"] as? String == "client_closed")
        #expect(fields["upstream_addr"] as? String == "10.0.0.1:8080")
        #expect(proxy.logged.withLockedValue { $0 }.contains("info client closed the connection before the end of its request body"))
    }

    /// A refusal answered before the upload ended: the rest of the body is dropped, its end
    /// too (the upstream never takes a cut body for a whole one), and the client gets the
    /// refusal with `Connection: close`.
    @Test func theRestOfAnUploadRefusedEarlyIsDropped() throws {
        let proxy = try EmbeddedProxyConnection(Self.table())
        try proxy.clientSends("PUT /f HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n01234\r\n")
        #expect(try proxy.upstreamReceived().hasSuffix("5\r\n01234\r\n"))
        // The refusal's body is still on its way when the rest of the upload arrives.
        try proxy.upstream(sends: "HTTP/1.1 413 Payload Too Large\r\nContent-Length: 8\r\n\r\nnope")
        let response = try proxy.clientReceived()
        #expect(response.hasPrefix("HTTP/1.1 413 Payload Too Large\r\n"))
        #expect(response.contains("Connection: close\r\n"))
        #expect(response.hasSuffix("\r\n\r\nnope"))
        try proxy.clientSends("5\r\n56789\r\n0\r\n\r\n")
        #expect(try proxy.upstreamReceived() == "", "nothing of the rest, and no terminating chunk")
        try proxy.upstream(sends: "nope")
        #expect(try proxy.clientReceived() == "nope")
        #expect(!proxy.upstreams[0].isActive, "a connection whose request was cut is not reused")
    }

    /// The same refusal as an event stream relayed as the upstream chunked it: the relayed
    /// head refuses the rest of the upload too.
    @Test func theRestOfAnUploadRefusedByARelayedStreamIsDropped() throws {
        let proxy = try EmbeddedProxyConnection(Self.table())
        try proxy.clientSends("POST /chat HTTP/1.1\r\nHost: example.com\r\nContent-Length: 20\r\n\r\n0123456789")
        _ = try proxy.upstreamReceived()
        try proxy.upstream(
            sends: "HTTP/1.1 429 Too Many Requests\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Wire.chunk("data: slow down\n\n"))
        #expect(proxy.dataPlane.metrics.eventStreamsRelayed == 1)
        #expect(try proxy.clientReceived().hasPrefix("HTTP/1.1 429 Too Many Requests\r\n"))
        try proxy.clientSends("0123456789")
        #expect(try proxy.upstreamReceived() == "", "nothing of the rest")
    }

    // MARK: Deadlines

    /// A head that does not arrive whole within `clientHeaderTimeout` gets `408` and the close.
    @Test func anIncompleteHeadGets408AtTheHeaderTimeout() throws {
        let proxy = try EmbeddedProxyConnection(Self.table(), configuration: ProxyConfiguration(clientHeaderTimeout: .seconds(10)))
        try proxy.clientSends("GET / HTTP/1.1\r\nHo")
        proxy.advance(by: .seconds(9))
        #expect(try proxy.clientReceived() == "")
        #expect(proxy.client.isActive)
        proxy.advance(by: .seconds(2))
        #expect(try proxy.clientReceived().hasPrefix("HTTP/1.1 408 Request Timeout\r\n"))
        #expect(!proxy.client.isActive)
    }

    /// A kept-alive connection idle for `keepAliveIdleTimeout` is closed without a word.
    @Test func anIdleKeptAliveConnectionClosesAtTheKeepAliveTimeout() throws {
        let proxy = try EmbeddedProxyConnection(Self.table(), configuration: ProxyConfiguration(keepAliveIdleTimeout: .seconds(5)))
        try proxy.clientSends(Wire.get("/"))
        _ = try proxy.upstreamReceived()
        try proxy.upstream(sends: Wire.ok("x"))
        _ = try proxy.clientReceived()
        proxy.advance(by: .seconds(4))
        #expect(proxy.client.isActive)
        proxy.advance(by: .seconds(2))
        #expect(!proxy.client.isActive)
        #expect(try proxy.clientReceived() == "")
    }

    /// A body that stops arriving gets `408` after `clientBodyTimeout` of silence (not of the
    /// upload's age), and its upstream is let go.
    @Test func aStalledUploadGets408AtTheBodyTimeout() throws {
        let proxy = try EmbeddedProxyConnection(Self.table(), configuration: ProxyConfiguration(clientBodyTimeout: .seconds(10)))
        try proxy.clientSends("PUT /f HTTP/1.1\r\nHost: example.com\r\nContent-Length: 20\r\n\r\n01234")
        proxy.advance(by: .seconds(8))
        try proxy.clientSends("56789")
        proxy.advance(by: .seconds(8))
        #expect(try proxy.clientReceived() == "", "progress restarted the clock")
        proxy.advance(by: .seconds(3))
        #expect(try proxy.clientReceived().hasPrefix("HTTP/1.1 408 Request Timeout\r\n"))
        #expect(!proxy.client.isActive)
        #expect(!proxy.upstreams[0].isActive)
    }

    /// An upstream silent for the route's read timeout before its head: `504`.
    @Test func aSilentUpstreamGets504AtTheReadTimeout() throws {
        let proxy = try EmbeddedProxyConnection(Self.table(RoutePolicy(readTimeout: .seconds(30))))
        try proxy.clientSends(Wire.get("/slow"))
        proxy.advance(by: .seconds(29))
        #expect(try proxy.clientReceived() == "")
        proxy.advance(by: .seconds(2))
        #expect(try proxy.clientReceived().hasPrefix("HTTP/1.1 504 Gateway Timeout\r\n"))
        #expect(!proxy.upstreams[0].isActive)
    }

    /// An event stream's silence is measured against the stream idle timeout, not the read
    /// timeout; its lifetime cap cuts it without the terminating chunk.
    @Test func aStreamOutlivesTheReadTimeoutAndIsCutAtItsCap() throws {
        let policy = RoutePolicy(readTimeout: .seconds(5), streamIdleTimeout: .seconds(600), maxStreamDuration: .seconds(60))
        let proxy = try EmbeddedProxyConnection(Self.table(policy))
        try proxy.clientSends(Wire.get("/events", "Accept: text/event-stream\r\n"))
        try proxy.upstream(sends: Wire.eventStreamHead + Wire.chunk("data: 1\n\n"))
        _ = try proxy.clientReceived()
        proxy.advance(by: .seconds(30))
        #expect(proxy.client.isActive, "30 s of silence is within the stream idle timeout")
        try proxy.upstream(sends: Wire.chunk("data: 2\n\n"))
        #expect(try proxy.clientReceived() == "9\r\ndata: 2\n\n\r\n")
        proxy.advance(by: .seconds(31))
        #expect(!proxy.client.isActive)
        #expect(!proxy.upstreams[0].isActive)
        #expect(try proxy.clientReceived() == "", "cut, not ended: no terminating chunk")
    }

    /// A second request arriving while the first is answered does not reset the keep-alive
    /// deadline it will get: the header deadline runs from its first byte.
    @Test func theNextRequestsFirstBytesStartItsHeaderDeadline() throws {
        let configuration = ProxyConfiguration(clientHeaderTimeout: .seconds(10), keepAliveIdleTimeout: .seconds(60))
        let proxy = try EmbeddedProxyConnection(Self.table(), configuration: configuration)
        try proxy.clientSends(Wire.get("/"))
        try proxy.upstream(sends: Wire.ok("x"))
        _ = try proxy.clientReceived()
        try proxy.clientSends("GET /2 HTTP/1.1\r\n")
        proxy.advance(by: .seconds(11))
        #expect(try proxy.clientReceived().hasPrefix("HTTP/1.1 408 Request Timeout\r\n"))
    }
}
