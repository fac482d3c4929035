import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOHTTP2
import NIOSSL

/// Sets up each connection the fake API server accepts: TLS when configured, then HTTP/1.1, or,
/// with HTTP/2 enabled, whichever of `h2` and `http/1.1` ALPN settles on. Over `h2` every stream
/// gets its own HTTP/1-parts codec, so ``FakeKubeHTTPHandler`` serves a stream exactly as it
/// serves an HTTP/1.1 connection, and a WATCH line flushed there leaves as one DATA frame.
struct FakeKubeConnectionPipeline: Sendable {
    var sslContext: NIOSSLContext?
    var http2: Bool
    var state: NIOLockedValueBox<FakeKubeServerState>

    /// Runs on the new connection's event loop.
    func configure(_ channel: any Channel) -> EventLoopFuture<Void> {
        let connection = state.withLockedValue { $0.acceptConnection() }
        do {
            if let sslContext {
                try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
            }
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        guard http2 else { return configureHTTP1(channel, connection: connection) }
        return channel.configureHTTP2SecureUpgrade(
            h2ChannelConfigurator: { configureHTTP2($0, connection: connection) },
            http1ChannelConfigurator: { configureHTTP1($0, connection: connection) })
    }

    private func configureHTTP1(_ channel: any Channel, connection: Int) -> EventLoopFuture<Void> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
            try channel.pipeline.syncOperations.addHandler(FakeKubeHTTPHandler(state: state, connection: connection))
        }
    }

    private func configureHTTP2(_ channel: any Channel, connection: Int) -> EventLoopFuture<Void> {
        channel.eventLoop.makeCompletedFuture {
            _ = try channel.pipeline.syncOperations.configureHTTP2Pipeline(
                mode: .server, connectionConfiguration: .init(), streamConfiguration: .init()
            ) { [state] stream in
                stream.eventLoop.makeCompletedFuture {
                    try stream.pipeline.syncOperations.addHandler(HTTP2FramePayloadToHTTP1ServerCodec())
                    try stream.pipeline.syncOperations.addHandler(FakeKubeHTTPHandler(state: state, connection: connection))
                }
            }
        }
    }
}
