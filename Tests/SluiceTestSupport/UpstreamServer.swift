import NIOConcurrencyHelpers
import NIOCore
import SluiceDemo
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket

/// An in-process HTTP/1.1 upstream on `127.0.0.1` and an ephemeral port, for proxy tests.
/// Every response carries `X-Upstream-Port` so tests can tell upstreams apart. With `tls`, it
/// speaks HTTPS only (a TLS handshake with that certificate comes first on every connection).

public final class UpstreamServer: Sendable {
    public let port: Int
    private let serverChannel: any Channel
    private let connections: UpstreamConnectionRegistry

    private init(serverChannel: any Channel, port: Int, connections: UpstreamConnectionRegistry) {
        self.serverChannel = serverChannel
        self.port = port
        self.connections = connections
    }

    /// Connections accepted so far.
    public var acceptedConnections: Int { connections.accepted }

    public static func start(
        _ behaviour: UpstreamBehaviour,
        tls certificate: TestCertificate? = nil,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> UpstreamServer {
        let tls = try certificate.map { certificate in
            try NIOSSLContext(configuration: .makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(certificate.chainPEM.utf8)).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(certificate.privateKeyPEM.utf8), format: .pem))))
        }
        let connections = UpstreamConnectionRegistry()
        let portBox = NIOLockedValueBox(0)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 1024)
            .childChannelInitializer { channel in
                connections.insert(channel)
                return channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    try configure(channel, behaviour: behaviour, port: portBox.withLockedValue { $0 })
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        guard let port = channel.localAddress?.port else { throw UpstreamServerError.noPort }
        portBox.withLockedValue { $0 = port }
        return UpstreamServer(serverChannel: channel, port: port, connections: connections)
    }

    /// Stops listening and closes every open connection, without waiting for them to close and
    /// ignoring failures. Prefer ``withUpstream(_:isolation:_:)``, which waits and reports.
    public func stop() async {
        try? await serverChannel.close()
        connections.closeAll()
    }

    /// Stops listening, closes every open connection, and returns once all of them are closed.
    /// Throws when the listener failed to close (one a test already stopped is not a failure).
    public func shutDown() async throws {
        var listenerError: (any Error)?
        do {
            try await serverChannel.close()
        } catch ChannelError.alreadyClosed {
        } catch {
            listenerError = error
        }
        await connections.closeAllAndWait()
        if let listenerError { throw listenerError }
    }

    private static func configure(_ channel: any Channel, behaviour: UpstreamBehaviour, port: Int) throws {
        let pipeline = channel.pipeline.syncOperations
        switch behaviour {
        case .silent:
            return
        case .webSocketEcho:
            let upgrader = NIOWebSocketServerUpgrader(
                maxFrameSize: 1 << 20,
                automaticErrorHandling: true,
                shouldUpgrade: { channel, _ in channel.eventLoop.makeSucceededFuture(HTTPHeaders()) },
                upgradePipelineHandler: { channel, _ in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(DemoWebSocketEchoHandler())
                    }
                }
            )
            // Only upgrade requests are answered: an HTTP handler here would sit in front of the
            // frame decoder the upgrader adds at the end of the pipeline.
            try pipeline.configureHTTPServerPipeline(
                withServerUpgrade: (upgraders: [upgrader], completionHandler: { _ in })
            )
        case .echo:
            try pipeline.configureHTTPServerPipeline()
            try pipeline.addHandler(UpstreamEchoHandler(port: port))
        case .eventStream(let count, let permits, let freeEvents):
            try pipeline.configureHTTPServerPipeline()
            try pipeline.addHandler(
                UpstreamEventStreamHandler(count: count, permits: permits, freeEvents: freeEvents, port: port))
        case .pacedEventStream(let events, let interval, let eventBytes, let writes):
            try pipeline.configureHTTPServerPipeline()
            try pipeline.addHandler(
                UpstreamPacedEventStreamHandler(events: events, interval: interval, eventBytes: eventBytes, writes: writes))
        case .byteSource(let bytes, let stats):
            try pipeline.configureHTTPServerPipeline()
            try pipeline.addHandler(UpstreamByteSourceHandler(total: bytes, stats: stats, port: port))
        case .upgradeThenByteSource(let bytes, let stats):
            try pipeline.addHandler(UpstreamTunnelByteSourceHandler(total: bytes, stats: stats))
        case .headThenStall:
            try pipeline.configureHTTPServerPipeline()
            try pipeline.addHandler(UpstreamStallHandler(port: port))
        case .script(let pieces, let permits, let freePieces):
            try pipeline.addHandler(UpstreamScriptHandler(pieces: pieces, permits: permits, freePieces: freePieces))
        case .answerAtHead(let response, let thenClose):
            try pipeline.addHandler(UpstreamEarlyAnswerHandler(response: response, thenClose: thenClose))
        case .scriptThenReset(let pieces, let permits):
            try pipeline.addHandler(
                UpstreamScriptHandler(pieces: pieces, permits: permits, freePieces: pieces.count, resetAfterPermit: true))
        case .upload(let recorder, let readGate):
            try pipeline.configureHTTPServerPipeline()
            try pipeline.addHandler(UpstreamUploadHandler(recorder: recorder, readGate: readGate, port: port))
        }
    }
}

public enum UpstreamServerError: Error, Sendable {
    case noPort
}

/// Connections an upstream accepted (count, and the open ones for `stop()`).
final class UpstreamConnectionRegistry: Sendable {
    private struct State {
        var accepted = 0
        var open: [ObjectIdentifier: any Channel] = [:]
    }

    private let state = NIOLockedValueBox(State())

    var accepted: Int { state.withLockedValue { $0.accepted } }

    func insert(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        state.withLockedValue {
            $0.accepted += 1
            $0.open[id] = channel
        }
        channel.closeFuture.whenComplete { [state] _ in
            _ = state.withLockedValue { $0.open.removeValue(forKey: id) }
        }
    }

    func closeAll() {
        let channels = state.withLockedValue { Array($0.open.values) }
        for channel in channels { channel.close(promise: nil) }
    }

    /// Closes every open connection; returns once each has closed.
    func closeAllAndWait() async {
        let channels = state.withLockedValue { Array($0.open.values) }
        for channel in channels {
            channel.close(promise: nil)
            try? await channel.closeFuture.get()
        }
    }
}
