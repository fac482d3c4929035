import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import SluiceDemo
import SluiceTestSupport

struct UnexpectedResponse: Error { var description: String }

/// An HTTP/1.1 client connection on loopback that exposes each response part as it arrives,
/// so tests can see whether body chunks come separately.
struct TestHTTPConnection {
    private var inbound: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>

    /// Connects, runs `body`, closes.
    static func with<T: Sendable>(port: Int, _ body: (inout TestHTTPConnection) async throws -> T) async throws -> T {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                        wrappingChannelSynchronously: channel
                    )
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var connection = TestHTTPConnection(inbound: inbound.makeAsyncIterator(), outbound: outbound)
            return try await body(&connection)
        }
    }

    func send(_ method: HTTPMethod = .GET, _ uri: String, headers: [(String, String)] = [], body: String? = nil) async throws {
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: uri)
        head.headers.add(name: "Host", value: "127.0.0.1")
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        if let body { head.headers.add(name: "Content-Length", value: "\(body.utf8.count)") }
        try await outbound.write(.head(head))
        if let body { try await outbound.write(.body(.byteBuffer(ByteBuffer(string: body)))) }
        try await outbound.write(.end(nil))
    }

    /// The next response part, or nil when the server closed the connection.
    mutating func nextPart() async throws -> HTTPClientResponsePart? {
        try await inbound.next()
    }

    mutating func readHead() async throws -> HTTPResponseHead {
        guard case .head(let head) = try await nextPart() else { throw UnexpectedResponse(description: "no head") }
        return head
    }

    /// Body chunks as received, until the response ends.
    mutating func readBodyChunks() async throws -> [String] {
        var chunks: [String] = []
        while let part = try await nextPart() {
            switch part {
            case .head: throw UnexpectedResponse(description: "second head")
            case .body(let buffer): chunks.append(String(buffer: buffer))
            case .end: return chunks
            }
        }
        throw UnexpectedResponse(description: "closed mid-response")
    }

    /// Sends a request and reads the complete response.
    mutating func request(
        _ method: HTTPMethod = .GET, _ uri: String, headers: [(String, String)] = [], body: String? = nil
    ) async throws -> (HTTPResponseHead, String) {
        try await send(method, uri, headers: headers, body: body)
        let head = try await readHead()
        return (head, try await readBodyChunks().joined())
    }
}

/// A WebSocket client on loopback (NIO's typed client upgrade), masking every frame it sends.
struct TestWebSocket {
    private var inbound: NIOAsyncChannelInboundStream<WebSocketFrame>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>

    private enum Upgrade: Sendable {
        case websocket(NIOAsyncChannel<WebSocketFrame, WebSocketFrame>)
        case refused
    }

    struct Refused: Error {}

    /// Connects and upgrades (throws ``Refused`` when the server answers without upgrading),
    /// runs `body`, closes.
    static func with<T: Sendable>(port: Int, path: String = "/ws", _ body: (inout TestWebSocket) async throws -> T) async throws -> T {
        let upgrade: EventLoopFuture<Upgrade> = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let upgrader = NIOTypedWebSocketClientUpgrader<Upgrade>(
                        upgradePipelineHandler: { channel, _ in
                            channel.eventLoop.makeCompletedFuture {
                                .websocket(try NIOAsyncChannel(wrappingChannelSynchronously: channel))
                            }
                        }
                    )
                    var headers = HTTPHeaders()
                    headers.add(name: "Host", value: "127.0.0.1")
                    headers.add(name: "Content-Length", value: "0")
                    let configuration = NIOTypedHTTPClientUpgradeConfiguration(
                        upgradeRequestHead: HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers),
                        upgraders: [upgrader],
                        notUpgradingCompletionHandler: { channel in
                            channel.eventLoop.makeCompletedFuture {
                                channel.close(promise: nil)
                                return .refused
                            }
                        }
                    )
                    return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(
                        configuration: .init(upgradeConfiguration: configuration)
                    )
                }
            }
        guard case .websocket(let channel) = try await upgrade.get() else { throw Refused() }
        return try await channel.executeThenClose { inbound, outbound in
            var socket = TestWebSocket(inbound: inbound.makeAsyncIterator(), outbound: outbound)
            return try await body(&socket)
        }
    }

    func send(_ opcode: WebSocketOpcode, _ data: ByteBuffer, fin: Bool = true) async throws {
        try await outbound.write(WebSocketFrame(fin: fin, opcode: opcode, maskKey: .random(), data: data))
    }

    /// The next frame, or nil once the server closed the TCP connection.
    mutating func nextFrame() async throws -> WebSocketFrame? {
        try await inbound.next()
    }
}

/// Runs `body` against a fresh demo upstream (with a hang guard) and stops the server after,
/// which also closes every connection the body opened.
func withDemoServer<T: Sendable>(
    tokenInterval: Duration = .milliseconds(40),
    _ body: @escaping @Sendable (DemoUpstreamServer) async throws -> T
) async throws -> T {
    let server = try await DemoUpstreamServer.start(tokenInterval: tokenInterval)
    do {
        let result = try await withTimeout { try await body(server) }
        try await server.stop()
        return result
    } catch {
        try? await server.stop()
        throw error
    }
}
