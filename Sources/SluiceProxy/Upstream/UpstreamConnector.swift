import NIOCore
import NIOPosix
import SluiceRouting

/// Opens the channel of a new upstream connection on the pool's event loop, with its pipeline
/// set up by `initialize` before it connects. In production a TCP connection
/// (``sockets``); a test can hand back channels of its own (an `EmbeddedChannel` on the same
/// `EmbeddedEventLoop`), so that a client connection's whole exchange runs without a socket.
struct UpstreamConnector: Sendable {
    typealias Initialize = @Sendable (any Channel) throws -> Void

    let connect:
        @Sendable (
            _ endpoint: Endpoint, _ eventLoop: any EventLoop, _ timeout: TimeAmount,
            _ waterMark: ChannelOptions.Types.WriteBufferWaterMark, _ initialize: @escaping Initialize
        ) -> EventLoopFuture<any Channel>

    /// TCP to the endpoint's address.
    static let sockets = UpstreamConnector { endpoint, eventLoop, timeout, waterMark, initialize in
        // ClientBootstrap sets TCP_NODELAY itself: every event goes out the moment it is flushed.
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(timeout)
            .channelOption(.writeBufferWaterMark, value: waterMark)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try initialize(channel) }
            }
        // An endpoint address is an IP address (EndpointSlice `addressType` IPv4/IPv6): connect
        // to it directly, without the resolver and Happy Eyeballs that a host name goes through.
        if let address = try? SocketAddress(ipAddress: endpoint.host, port: endpoint.port) {
            return bootstrap.connect(to: address)
        }
        return bootstrap.connect(host: endpoint.host, port: endpoint.port)
    }
}
