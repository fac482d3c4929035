import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// The built-in upstream behind `sluice demo`, the tests and the benchmark: one HTTP/1.1 listener
/// serving
///
/// - `GET|POST /api/chat` — `text/event-stream` tokens (`id:` + `data: {"token":"..."}`), one per
///   `tokenInterval` (or `?interval_ms=`), then `data: [DONE]`; `?prompt=` or a JSON body
///   `{"prompt": "..."}` picks the text;
/// - `GET /ws` — WebSocket echo (text, binary, ping → pong, close handshake);
/// - `GET /api/...` — a JSON echo of method, path, query and headers;
/// - `GET /bench/sse?events=N&interval_ms=M` — N events whose data is the send time in Unix
///   nanoseconds, so a client can compute the latency a proxy adds;
/// - `GET /bench/small` — a 3-byte body.
public final class DemoUpstreamServer: Sendable {
    /// The bound port (useful when started with port 0).
    public let port: Int
    private let serverChannel: any Channel
    private let connections: DemoConnections

    private init(serverChannel: any Channel, connections: DemoConnections) throws {
        guard let port = serverChannel.localAddress?.port else { throw DemoUpstreamError.noPort }
        self.port = port
        self.serverChannel = serverChannel
        self.connections = connections
    }

    /// Binds and starts serving; returns once the listener is bound.
    /// - Parameter tokenInterval: pause between chat tokens (0 sends them back to back).
    public static func start(
        host: String = "127.0.0.1",
        port: Int = 0,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        tokenInterval: Duration = .milliseconds(40)
    ) async throws -> DemoUpstreamServer {
        let connections = DemoConnections()
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 4096)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                connections.insert(channel)
                return channel.eventLoop.makeCompletedFuture {
                    try configurePipeline(channel, tokenInterval: tokenInterval)
                }
            }
            .bind(host: host, port: port)
            .get()
        return try DemoUpstreamServer(serverChannel: channel, connections: connections)
    }

    /// Stops listening and closes every open connection.
    public func stop() async throws {
        try? await serverChannel.close()
        await connections.closeAll()
    }

    /// Returns when the listener has closed (after ``stop()``).
    public func waitUntilStopped() async throws {
        try await serverChannel.closeFuture.get()
    }

    private static func configurePipeline(_ channel: any Channel, tokenInterval: Duration) throws {
        let websocket = NIOWebSocketServerUpgrader(
            maxFrameSize: 1 << 20,
            automaticErrorHandling: true,
            shouldUpgrade: { channel, head in
                let path = DemoEndpoint.splitURI(head.uri).path
                return channel.eventLoop.makeSucceededFuture(path == "/ws" ? HTTPHeaders() : nil)
            },
            upgradePipelineHandler: { channel, _ in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(DemoWebSocketEchoHandler())
                }
            }
        )
        let pipeline = channel.pipeline.syncOperations
        try pipeline.configureHTTPServerPipeline(
            withServerUpgrade: (
                upgraders: [websocket],
                completionHandler: { context in
                    context.pipeline.removeHandler(name: DemoHTTPHandler.name, promise: nil)
                }
            ),
            withErrorHandling: true
        )
        try pipeline.addHandler(DemoHTTPHandler(tokenInterval: tokenInterval), name: DemoHTTPHandler.name)
    }
}

public enum DemoUpstreamError: Error, Sendable {
    case noPort
}

/// Connections accepted and still open, so ``DemoUpstreamServer/stop()`` can close them.
final class DemoConnections: Sendable {
    private let channels = NIOLockedValueBox<[ObjectIdentifier: any Channel]>([:])

    func insert(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        channels.withLockedValue { $0[id] = channel }
        channel.closeFuture.whenComplete { [channels] _ in
            _ = channels.withLockedValue { $0.removeValue(forKey: id) }
        }
    }

    func closeAll() async {
        for channel in channels.withLockedValue({ Array($0.values) }) {
            try? await channel.close()
        }
    }
}
