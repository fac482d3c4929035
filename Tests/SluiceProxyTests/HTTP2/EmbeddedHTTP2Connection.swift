import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOHTTP2
import SluiceRouting

@testable import SluiceProxy

/// One HTTP/2 client connection of the production data plane
/// (`ProxyDataPlane.configureHTTP2Synchronously`) on an `EmbeddedChannel`, a real swift-nio-http2
/// client connection talking to it, and upstream connections as `EmbeddedChannel`s
/// (`EmbeddedUpstreams`), all on one `EmbeddedEventLoop` whose clock the test moves.
final class EmbeddedHTTP2Connection {
    /// What one client stream received.
    final class StreamRecorder: ChannelInboundHandler {
        typealias InboundIn = HTTPClientResponsePart
        var head: HTTPResponseHead?
        /// Every head, interim ones included.
        var heads: [HTTPResponseHead] = []
        var body = ""
        /// Every body byte received, as bytes (a compressed body is no text).
        var bodyBytes: [UInt8] = []
        var ended = false
        /// The stream closed (reset by the proxy, unless it ended first).
        var closed = false

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                heads.append(head)
            case .body(let buffer):
                body += String(buffer: buffer)
                bodyBytes += buffer.readableBytesView
            case .end: ended = true
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            closed = true
            context.fireChannelInactive()
        }

        /// The body received since the last call.
        func takeBody() -> String {
            defer { body = "" }
            return body
        }
    }

    /// The frames of the connection's root stream the client received (SETTINGS, PING, GOAWAY).
    final class ConnectionFrames: ChannelInboundHandler {
        typealias InboundIn = HTTP2Frame
        var goAways: [HTTP2ErrorCode] = []

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if case .goAway(_, let code, _) = unwrapInboundIn(data).payload { goAways.append(code) }
        }
    }

    let upstreams = EmbeddedUpstreams()
    let connectionFrames = ConnectionFrames()
    var loop: EmbeddedEventLoop { upstreams.loop }
    let server: EmbeddedChannel
    let client: EmbeddedChannel
    let dataPlane: ProxyDataPlane
    private let multiplexer: NIOHTTP2Handler.StreamMultiplexer

    init(_ table: RoutingTable, configuration: ProxyConfiguration = ProxyConfiguration()) throws {
        dataPlane = upstreams.dataPlane(table, configuration: configuration)
        server = EmbeddedChannel(loop: upstreams.loop)
        try dataPlane.configureHTTP2Synchronously(channel: server)
        try server.connect(to: SocketAddress(ipAddress: "192.0.2.7", port: 50000)).wait()
        client = EmbeddedChannel(loop: upstreams.loop)
        multiplexer = try client.pipeline.syncOperations.configureHTTP2Pipeline(
            mode: .client, connectionConfiguration: .init(), streamConfiguration: .init()
        ) { $0.eventLoop.makeSucceededVoidFuture() }
        try client.pipeline.syncOperations.addHandler(connectionFrames)
        try client.connect(to: SocketAddress(ipAddress: "192.0.2.1", port: 443)).wait()
        try moveBytes()
    }

    /// Opens a stream and sends `head` on it (and its end, unless `endRequest` is false).
    func request(_ head: HTTPRequestHead, endRequest: Bool = true) throws -> (stream: any Channel, recorder: StreamRecorder) {
        let recorder = StreamRecorder()
        let bound = NIOLoopBound(recorder, eventLoop: loop)
        let made = multiplexer.createStreamChannel { stream in
            stream.eventLoop.makeCompletedFuture {
                try stream.pipeline.syncOperations.addHandlers([
                    HTTP2FramePayloadToHTTP1ClientCodec(httpProtocol: .https), bound.value,
                ])
            }
        }
        loop.run()
        let stream = try made.wait()
        stream.write(HTTPClientRequestPart.head(head), promise: nil)
        if endRequest { stream.write(HTTPClientRequestPart.end(nil), promise: nil) }
        stream.flush()
        try moveBytes()
        return (stream, recorder)
    }

    static func get(_ path: String, host: String = "example.com", _ fields: [(String, String)] = []) -> HTTPRequestHead {
        HTTPRequestHead(version: .http2, method: .GET, uri: path, headers: HTTPHeaders([("host", host)] + fields))
    }

    /// Bytes from upstream `index`, in one read, then everything the proxy writes in turn moved
    /// to the client.
    func upstream(_ index: Int = 0, sends text: String) throws {
        try upstreams.upstream(index, sends: text)
        try moveBytes()
    }

    /// Moves the clock, then the bytes its deadlines caused.
    func advance(by amount: TimeAmount) throws {
        loop.advanceTime(by: amount)
        try moveBytes()
    }

    /// Runs the loop and moves bytes between the client and the proxy until neither has more.
    func moveBytes() throws {
        try EmbeddedUpstreams.moveBytes(between: client, and: server, loop: loop)
    }
}
