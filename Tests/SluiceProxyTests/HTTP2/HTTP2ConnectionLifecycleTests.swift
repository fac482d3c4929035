import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOHTTP2
import SluiceRouting
import Testing

@testable import SluiceProxy

/// What an HTTP/2 connection does besides its streams' exchanges: the request body timeout per
/// stream, the graceful drain (GOAWAY, open streams finish), the idle close.
@Suite("HTTP/2 connection lifecycle")
struct HTTP2ConnectionLifecycleTests {
    private static func upload(_ path: String) -> HTTPRequestHead {
        HTTPRequestHead(version: .http2, method: .POST, uri: path, headers: ["host": "example.com", "content-length": "10"])
    }

    /// A client that stops sending its request body gets `408` on that stream after
    /// `clientBodyTimeout`; each body part it sends restarts the clock. Time the proxy itself
    /// does not read (the upstream not connected yet) is not the client's.
    @Test func aStalledUploadGets408OnItsStream() throws {
        let proxy = try EmbeddedHTTP2Connection(
            EmbeddedUpstreams.table(), configuration: ProxyConfiguration(clientBodyTimeout: .seconds(10)))
        let (stream, response) = try proxy.request(Self.upload("/upload"), endRequest: false)
        try proxy.advance(by: .seconds(8))
        stream.writeAndFlush(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(string: "12345"))), promise: nil)
        try proxy.moveBytes()
        try proxy.advance(by: .seconds(8))
        #expect(response.head == nil, "each body part restarts the clock")
        try proxy.advance(by: .seconds(3))
        #expect(response.head?.status == .requestTimeout)
        #expect(response.ended)
        #expect(!proxy.upstreams.opened[0].isActive, "the upstream that waited for the body is let go")
        #expect(proxy.connectionFrames.goAways.isEmpty, "only the stream ends, not the connection")
    }

    /// An upload that completes in time is not timed out later, while its response streams.
    @Test func aCompleteUploadIsNotTimedOut() throws {
        let proxy = try EmbeddedHTTP2Connection(
            EmbeddedUpstreams.table(), configuration: ProxyConfiguration(clientBodyTimeout: .seconds(10)))
        let (stream, response) = try proxy.request(Self.upload("/upload"), endRequest: false)
        stream.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(string: "1234567890"))), promise: nil)
        stream.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        try proxy.moveBytes()
        try proxy.upstream(sends: Wire.eventStreamHead + Wire.chunk("data: 1\n\n"))
        try proxy.advance(by: .seconds(30))
        #expect(response.head?.status == .ok)
        #expect(!response.closed)
        #expect(response.takeBody() == "data: 1\n\n")
    }

    /// A drain (`ChannelShouldQuiesceEvent`) sends GOAWAY; the stream already open gets its
    /// whole response, and the connection closes once it has.
    @Test func aDrainSendsGoAwayAndLetsOpenStreamsFinish() throws {
        let proxy = try EmbeddedHTTP2Connection(EmbeddedUpstreams.table())
        let (_, stream) = try proxy.request(EmbeddedHTTP2Connection.get("/events", [("accept", "text/event-stream")]))
        try proxy.upstream(sends: Wire.eventStreamHead + Wire.chunk("data: 1\n\n"))
        proxy.server.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        try proxy.moveBytes()
        // The first names the last possible stream; after a PING round trip (at once here), the
        // second names the last one accepted.
        #expect(proxy.connectionFrames.goAways == [.noError, .noError])
        #expect(proxy.server.isActive, "the open stream goes on")
        try proxy.advance(by: .seconds(1))
        try proxy.upstream(sends: Wire.chunk("data: 2\n\n") + "0\r\n\r\n")
        #expect(stream.takeBody() == "data: 1\n\ndata: 2\n\n")
        #expect(stream.ended)
        try proxy.advance(by: .seconds(1))
        #expect(!proxy.server.isActive, "closed once its last stream ended")
    }

    /// A stream still open when a drained connection is closed (the listener's grace period
    /// ran out) ended by the shutdown, not by its client: `reason="shutdown"`, as over HTTP/1.
    @Test func aStreamCutAtTheEndOfADrainEndedByShutdown() throws {
        let proxy = try EmbeddedHTTP2Connection(EmbeddedUpstreams.table())
        let (_, stream) = try proxy.request(EmbeddedHTTP2Connection.get("/events", [("accept", "text/event-stream")]))
        try proxy.upstream(sends: Wire.eventStreamHead + Wire.chunk("data: 1\n\n"))
        proxy.server.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        try proxy.moveBytes()
        #expect(stream.takeBody() == "data: 1\n\n")
        _ = try? proxy.server.close().wait()
        let text = proxy.dataPlane.metrics.prometheusText()
        #expect(text.contains(#"kind="sse",reason="shutdown"} 1"#), "\(text.split(separator: "\n").filter { $0.contains("streams_ended") })")
        #expect(!text.contains(#"reason="client_gone"} 1"#))
    }

    /// Without a drain, a connection that closes under an open stream is the client leaving.
    @Test func aStreamCutWithoutADrainEndedByItsClient() throws {
        let proxy = try EmbeddedHTTP2Connection(EmbeddedUpstreams.table())
        _ = try proxy.request(EmbeddedHTTP2Connection.get("/events", [("accept", "text/event-stream")]))
        try proxy.upstream(sends: Wire.eventStreamHead + Wire.chunk("data: 1\n\n"))
        _ = try? proxy.server.close().wait()
        let text = proxy.dataPlane.metrics.prometheusText()
        #expect(text.contains(#"kind="sse",reason="client_gone"} 1"#), "\(text.split(separator: "\n").filter { $0.contains("streams_ended") })")
    }

    /// A connection with no stream for `keepAliveIdleTimeout` is closed, as nginx's
    /// `keepalive_timeout` closes idle HTTP/2 connections.
    @Test func anIdleConnectionIsClosed() throws {
        let proxy = try EmbeddedHTTP2Connection(
            EmbeddedUpstreams.table(), configuration: ProxyConfiguration(keepAliveIdleTimeout: .seconds(20)))
        let (_, response) = try proxy.request(EmbeddedHTTP2Connection.get("/a"))
        try proxy.upstream(sends: "HTTP/1.1 204 No Content\r\n\r\n")
        #expect(response.ended)
        try proxy.advance(by: .seconds(15))
        #expect(proxy.server.isActive)
        try proxy.advance(by: .seconds(10))
        try proxy.advance(by: .seconds(1))
        #expect(!proxy.connectionFrames.goAways.isEmpty)
        #expect(!proxy.server.isActive)
    }

    /// `Expect: 100-continue` is answered by the proxy, as over HTTP/1.1; the upstream never
    /// sees it.
    @Test func anExpectingUploadGets100Continue() throws {
        let proxy = try EmbeddedHTTP2Connection(EmbeddedUpstreams.table())
        var head = Self.upload("/upload")
        head.headers.add(name: "expect", value: "100-continue")
        let (stream, response) = try proxy.request(head, endRequest: false)
        #expect(response.heads.map(\.status) == [.continue])
        stream.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(string: "1234567890"))), promise: nil)
        stream.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        try proxy.moveBytes()
        let sent = try proxy.upstreams.received()
        #expect(!sent.lowercased().contains("expect"))
        #expect(sent.hasSuffix("1234567890"))
        try proxy.upstream(sends: "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")
        #expect(response.heads.map(\.status) == [.continue, .created])
    }

    /// A stream whose client grants no window (a zero-window stall) is cut after
    /// `clientSendTimeout`, and its upstream let go; the connection stays.
    @Test func aStreamStalledAtAZeroWindowIsCut() throws {
        let proxy = try EmbeddedHTTP2Connection(
            EmbeddedUpstreams.table(), configuration: ProxyConfiguration(clientSendTimeout: .seconds(10)))
        let (stream, response) = try proxy.request(EmbeddedHTTP2Connection.get("/big"))
        // The client reads nothing more: no WINDOW_UPDATE for the stream.
        try stream.syncOptions?.setOption(.autoRead, value: false)
        let chunk = String(repeating: "x", count: 16 * 1024)
        try proxy.upstream(sends: "HTTP/1.1 200 OK\r\nContent-Length: \(1024 * 1024)\r\n\r\n")
        for _ in 0..<16 { try proxy.upstream(sends: chunk) }
        #expect(!response.closed)
        try proxy.advance(by: .seconds(5))
        #expect(!response.closed)
        #expect(proxy.upstreams.opened[0].isActive)
        try proxy.advance(by: .seconds(6))
        stream.read()
        try proxy.moveBytes()
        #expect(response.closed, "the stalled stream was reset")
        #expect(!response.ended)
        #expect(!proxy.upstreams.opened[0].isActive, "its upstream was let go")
        #expect(proxy.server.isActive, "the connection stays")
    }
}
