import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import SluiceRouting

/// The streaming reverse proxy's data plane: configures each accepted client connection and owns
/// what connections share (upstream pools per event loop, round-robin counters, metrics).
///
/// `ProxyService` binds the listener and calls `configure(channel:)` for every accepted channel;
/// tests can do the same with a plain `ServerBootstrap`.
public final class ProxyPipeline: Sendable {
    public let store: RoutingTableStore
    public let configuration: ProxyConfiguration
    public let eventLoopGroup: any EventLoopGroup
    let logger: Logger
    let balancer = RoundRobinBalancer()
    private let _metrics = ProxyMetrics()
    private let pools = NIOLockedValueBox<[ObjectIdentifier: NIOLoopBound<UpstreamConnectionPool>]>([:])

    public init(
        store: RoutingTableStore,
        configuration: ProxyConfiguration,
        eventLoopGroup: any EventLoopGroup,
        logger: Logger
    ) {
        self.store = store
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    /// Counters of this pipeline (requests, upstream connections, buffered-bytes high-water marks).
    public var metrics: ProxyMetrics { _metrics }

    /// Configures one accepted client connection's pipeline (HTTP/1.1 server codec + proxy handlers).
    public func configure(channel: any Channel) -> EventLoopFuture<Void> {
        if channel.eventLoop.inEventLoop {
            return channel.eventLoop.makeCompletedFuture { try self.configureSync(channel: channel) }
        }
        return channel.eventLoop.submit { try self.configureSync(channel: channel) }
    }

    private func configureSync(channel: any Channel) throws {
        var limits = NIOHTTPDecoderLimitConfiguration()
        limits.maxHeaderListSize = configuration.maxHeaderBytes
        limits.maxHeaderFieldSize = configuration.maxHeaderBytes
        let waterMark = ChannelOptions.Types.WriteBufferWaterMark(
            low: configuration.writeBufferLowWaterMark, high: configuration.writeBufferHighWaterMark)
        try channel.syncOptions?.setOption(.writeBufferWaterMark, value: waterMark)
        try channel.syncOptions?.setOption(.socketOption(.tcp_nodelay), value: 1)
        let sync = channel.pipeline.syncOperations
        try sync.configureHTTPServerPipeline(
            withPipeliningAssistance: false,
            withServerUpgrade: nil,
            withErrorHandling: false,
            withOutboundHeaderValidation: true,
            withEncoderConfiguration: HTTPResponseEncoder.Configuration(),
            withDecoderLimitConfiguration: limits
        )
        try sync.addHandler(ClientConnectionHandler(pipeline: self))
    }

    /// Closes the idle keep-alive upstream connections of every event loop (connections in use
    /// are left to their exchanges). For shutdown, after the listener stopped.
    public func closeIdleUpstreamConnections() {
        let all = pools.withLockedValue { Array($0.values) }
        for bound in all {
            bound.eventLoop.execute { bound.value.closeIdle() }
        }
    }

    /// The upstream pool of `eventLoop`. Must be called on that loop.
    func pool(for eventLoop: any EventLoop) -> UpstreamConnectionPool {
        let key = ObjectIdentifier(eventLoop)
        let bound = pools.withLockedValue { pools -> NIOLoopBound<UpstreamConnectionPool> in
            if let existing = pools[key] { return existing }
            let created = NIOLoopBound(
                UpstreamConnectionPool(eventLoop: eventLoop, configuration: configuration, metrics: _metrics),
                eventLoop: eventLoop)
            pools[key] = created
            return created
        }
        return bound.value
    }
}
