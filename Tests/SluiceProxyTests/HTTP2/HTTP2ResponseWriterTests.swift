import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOHPACK
import NIOHTTP2
import Testing

@testable import SluiceProxy

/// `HTTP2ResponseWriter` on a real HTTP/2 stream channel: a server connection (swift-nio-http2's
/// handler and multiplexer, each stream behind `HTTP2FramePayloadToHTTP1ServerCodec`) and a client
/// connection on `EmbeddedChannel`s, their bytes moved between them. The second user of
/// `ClientResponseWriter`: an event stream's head made by a `ResponseHeadPlan` for HTTP/2, its
/// events as DATA frames each time the writer flushes, its end as END_STREAM.
@Suite("HTTP/2 response writer")
struct HTTP2ResponseWriterTests {
    /// Answers a stream's request through an `HTTP2ResponseWriter`, step by step as the test says.
    private final class Responder: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        var writer: HTTP2ResponseWriter?
        var requestEnded = false

        func handlerAdded(context: ChannelHandlerContext) {
            writer = HTTP2ResponseWriter(context: context)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if case .end = unwrapInboundIn(data) { requestEnded = true }
        }
    }

    /// The frames the client stream received, as they came.
    private final class Recorder: ChannelInboundHandler {
        typealias InboundIn = HTTP2Frame.FramePayload
        var headers: HPACKHeaders?
        var dataFrames: [String] = []
        var ended = false
        /// Each frame's kind, `+END` when it ends the stream.
        var frames: [String] = []

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .headers(let frame):
                frames.append(frame.endStream ? "HEADERS+END" : "HEADERS")
                headers = frame.headers
                ended = ended || frame.endStream
            case .data(let frame):
                frames.append(frame.endStream ? "DATA+END" : "DATA")
                if case .byteBuffer(let buffer) = frame.data, buffer.readableBytes > 0 { dataFrames.append(String(buffer: buffer)) }
                ended = ended || frame.endStream
            default:
                break
            }
        }
    }

    private static func moveBytes(between client: EmbeddedChannel, and server: EmbeddedChannel) throws {
        guard let loop = client.eventLoop as? EmbeddedEventLoop else { return }
        try EmbeddedUpstreams.moveBytes(between: client, and: server, loop: loop)
    }

    /// A client stream that asked `GET /chat` of a server stream answered by a `Responder`.
    private static func openStream() throws -> (client: EmbeddedChannel, server: EmbeddedChannel, responder: Responder, recorder: Recorder) {
        let loop = EmbeddedEventLoop()
        let server = EmbeddedChannel(loop: loop)
        let client = EmbeddedChannel(loop: loop)
        let responder = Responder()
        let boundResponder = NIOLoopBound(responder, eventLoop: loop)
        _ = try server.configureHTTP2Pipeline(mode: .server) { stream in
            stream.eventLoop.makeCompletedFuture {
                try stream.pipeline.syncOperations.addHandlers([HTTP2FramePayloadToHTTP1ServerCodec(), boundResponder.value])
            }
        }.wait()
        let multiplexer = try client.configureHTTP2Pipeline(mode: .client) { $0.eventLoop.makeSucceededVoidFuture() }.wait()
        try server.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 443)).wait()
        try client.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 443)).wait()

        let recorder = Recorder()
        let boundRecorder = NIOLoopBound(recorder, eventLoop: loop)
        let streamPromise = loop.makePromise(of: Channel.self)
        multiplexer.createStreamChannel(promise: streamPromise) { stream in
            stream.eventLoop.makeCompletedFuture {
                try stream.pipeline.syncOperations.addHandler(boundRecorder.value)
            }
        }
        loop.run()
        let stream = try streamPromise.futureResult.wait()
        let request: HPACKHeaders = [":method": "GET", ":path": "/chat", ":scheme": "https", ":authority": "example.com"]
        stream.writeAndFlush(HTTP2Frame.FramePayload.headers(.init(headers: request, endStream: true)), promise: nil)
        try moveBytes(between: client, and: server)
        #expect(responder.requestEnded)
        return (client, server, responder, recorder)
    }

    @Test func anEventStreamGoesOutAsHeadersAndOneDataFramePerFlush() throws {
        let (client, server, responder, recorder) = try Self.openStream()

        // The upstream's head, with HTTP/1 connection fields (and one its `Connection` names).
        let upstream = HTTPResponseHead(
            version: .http1_1, status: .ok,
            headers: [
                "Content-Type": "text/event-stream", "Transfer-Encoding": "chunked", "Connection": "keep-alive, X-Hop",
                "Keep-Alive": "timeout=5", "X-Hop": "1", "X-Accel-Buffering": "yes", "Cache-Control": "no-cache",
            ])
        let plan = ResponseHeadPlan(kind: .eventStream, closeClient: true, clientVersion: .http2)
        let writer = try #require(responder.writer)
        #expect(!writer.relaysChunkedBodies)
        writer.writeHead(ClientResponseHead.make(from: upstream, plan: plan), answering: .GET, compression: .off)
        writer.writeBody(ByteBuffer(string: "data: 1\n\n"))
        writer.flush()
        try Self.moveBytes(between: client, and: server)
        let headers = try #require(recorder.headers)
        #expect(headers[":status"] == ["200"])
        #expect(headers["content-type"] == ["text/event-stream"])
        #expect(headers["x-accel-buffering"] == ["no"])
        #expect(headers["cache-control"] == ["no-cache"])
        // No connection-specific field is checked here: swift-nio-http2's codec drops them itself,
        // so such a check could not fail. The plan's own rule for HTTP/2 is held by
        // `ClientResponseEncoderTests.anHTTP2HeadHasNoConnectionField`.
        #expect(headers["x-hop"].isEmpty, "a field the upstream's Connection named is dropped by the plan")
        #expect(recorder.dataFrames == ["data: 1\n\n"], "the first event arrives at the flush, in its own frame")

        writer.writeBody(ByteBuffer(string: "data: 2\n\n"))
        writer.flush()
        try Self.moveBytes(between: client, and: server)
        #expect(recorder.dataFrames == ["data: 1\n\n", "data: 2\n\n"])
        #expect(!recorder.ended)

        writer.writeEnd(trailers: nil, promise: nil)
        writer.flush()
        try Self.moveBytes(between: client, and: server)
        #expect(recorder.ended)
        #expect(writer.bytesWritten == 18)
    }

    /// A response that ends right after its head, before a flush (a gRPC upstream's
    /// trailers-only answer), leaves as one HEADERS frame ending the stream: no DATA frame.
    @Test func aHeadEndedBeforeAFlushIsOneHeadersFrame() throws {
        let (client, server, responder, recorder) = try Self.openStream()
        let writer = try #require(responder.writer)
        let head = HTTPResponseHead(
            version: .http2, status: .ok, headers: ["content-type": "application/grpc", "grpc-status": "9", "Grpc-Message": "no"])
        writer.writeHead(head, answering: .POST, compression: .off)
        writer.writeEnd(trailers: nil, promise: nil)
        writer.flush()
        try Self.moveBytes(between: client, and: server)
        let headers = try #require(recorder.headers)
        #expect(headers[":status"] == ["200"])
        #expect(headers["grpc-status"] == ["9"])
        #expect(headers["grpc-message"] == ["no"])
        #expect(recorder.ended)
        #expect(recorder.frames == ["HEADERS+END"])
    }

    /// A head flushed on its own goes at once (a stream's head must not wait for its first event).
    @Test func aFlushedHeadGoesAtOnce() throws {
        let (client, server, responder, recorder) = try Self.openStream()
        let writer = try #require(responder.writer)
        writer.writeHead(HTTPResponseHead(version: .http2, status: .ok), answering: .GET, compression: .off)
        writer.flush()
        try Self.moveBytes(between: client, and: server)
        #expect(recorder.frames == ["HEADERS"])
        writer.writeEnd(trailers: nil, promise: nil)
        writer.flush()
        try Self.moveBytes(between: client, and: server)
        #expect(recorder.frames == ["HEADERS", "DATA+END"])
    }

    /// A response whose end comes before the flush ends on its last DATA frame, not on an empty
    /// one after it; a body part flushed on its own (an event) goes at once.
    @Test func aBodyEndedBeforeAFlushEndsOnItsLastDataFrame() throws {
        let (client, server, responder, recorder) = try Self.openStream()
        let writer = try #require(responder.writer)
        writer.writeHead(HTTPResponseHead(version: .http2, status: .ok), answering: .GET, compression: .off)
        writer.writeBody(ByteBuffer(string: "event 1"))
        writer.flush()
        try Self.moveBytes(between: client, and: server)
        #expect(recorder.frames == ["HEADERS", "DATA"])
        writer.writeBody(ByteBuffer(string: "event 2"))
        writer.writeBody(ByteBuffer(string: "event 3"))
        writer.writeEnd(trailers: nil, promise: nil)
        writer.flush()
        try Self.moveBytes(between: client, and: server)
        #expect(recorder.frames == ["HEADERS", "DATA", "DATA", "DATA+END"])
        #expect(recorder.ended)
    }
}
