import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import SluiceRouting

/// The streaming reverse proxy's data plane: configures each accepted client connection and owns
/// what connections share, kept per event loop (`ProxyLoopContext`: upstream pool, routing-table
/// replica, round-robin positions, metric counters).
///
/// `ProxyService` binds the listener and calls `configure(channel:)` for every accepted channel;
/// tests can do the same with a plain `ServerBootstrap`. Make the store with
/// `RoutingTableStore(replicasFor:)` and the same group, so that no loop copies a table itself.
public final class ProxyPipeline: Sendable {
    public let store: RoutingTableStore
    public let configuration: ProxyConfiguration
    public let eventLoopGroup: any EventLoopGroup
    let logger: Logger
    private let _metrics = ProxyMetrics()
    private let loops = NIOLockedValueBox<[ObjectIdentifier: NIOLoopBound<ProxyLoopContext>]>([:])

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
            // The loop's cached succeeded future: no future is made and torn down per connection.
            do {
                try configureSynchronously(channel: channel)
                return channel.eventLoop.makeSucceededVoidFuture()
            } catch {
                return channel.eventLoop.makeFailedFuture(error)
            }
        }
        return channel.eventLoop.submit { try self.configureSynchronously(channel: channel) }
    }

    /// `configure(channel:)` without a future, for an initializer that runs on the channel's event
    /// loop (``ProxyService``'s does). Must be called there.
    public func configureSynchronously(channel: any Channel) throws {
        let waterMark = ChannelOptions.Types.WriteBufferWaterMark(
            low: configuration.writeBufferLowWaterMark, high: configuration.writeBufferHighWaterMark)
        try channel.syncOptions?.setOption(.writeBufferWaterMark, value: waterMark)
        var limits = NIOHTTPDecoderLimitConfiguration()
        limits.maxHeaderListSize = configuration.maxHeaderBytes
        limits.maxHeaderFieldSize = configuration.maxHeaderBytes
        // No pipelining helper (the handler queues pipelined requests itself), no error handler
        // (it answers parser errors itself), and the proxy's own response encoder, which the
        // handler tells what each response answers (NIO links its decoder to its encoder for
        // that, through API that is internal to NIO).
        let encoder = ClientResponseEncoder()
        let decoder = ClientRequestDecoder(limits: limits)
        let sync = channel.pipeline.syncOperations
        let loop = loopContext(for: channel.eventLoop)
        if loop.routes.compresses {
            let compression = ResponseCompression()
            let compressor = compression.makeCompressor()
            try sync.addHandlers([encoder, decoder, AcceptEncodingCanonicalizer(compression: compression), compressor])
            compression.bypass = try sync.context(handler: compressor)
            try sync.addHandler(ClientConnectionHandler(pipeline: self, loop: loop, encoder: encoder, compression: compression))
        } else {
            // Without a compressor only the handler writes responses: the encoder is no handler of
            // its own but writes from the decoder's place, next to the channel, where no outbound
            // handler is passed on the way (`ClientResponseEncoder.attach`).
            // One by one and named: `addHandlers` builds an array of existentials, and an unnamed
            // handler gets a name made by string interpolation (1.1k instructions a connection).
            try sync.addHandler(decoder, name: Self.requestDecoderName)
            encoder.attach(to: try sync.context(handler: decoder))
            try sync.addHandler(ClientConnectionHandler(pipeline: self, loop: loop, encoder: encoder), name: Self.handlerName)
        }
    }

    private static let requestDecoderName = "sluice.request-decoder"
    private static let handlerName = "sluice.client"

    /// Closes the idle keep-alive upstream connections of every event loop (connections in use
    /// are left to their exchanges). For shutdown, after the listener stopped.
    public func closeIdleUpstreamConnections() {
        let all = loops.withLockedValue { Array($0.values) }
        for bound in all {
            bound.eventLoop.execute { bound.value.pool.closeIdle() }
        }
    }

    /// The shared state of `eventLoop`'s connections. Must be called on that loop.
    func loopContext(for eventLoop: any EventLoop) -> ProxyLoopContext {
        let key = ObjectIdentifier(eventLoop)
        let bound = loops.withLockedValue { loops -> NIOLoopBound<ProxyLoopContext> in
            if let existing = loops[key] { return existing }
            let metrics = _metrics.makeShard()
            let pool = UpstreamConnectionPool(eventLoop: eventLoop, configuration: configuration, metrics: metrics)
            let routes = LoopRoutingTable(store: store, index: loops.count)
            let context = ProxyLoopContext(
                pool: pool, metrics: metrics, routes: routes, deadlines: DeadlineWheel(eventLoop: eventLoop))
            let created = NIOLoopBound(context, eventLoop: eventLoop)
            loops[key] = created
            return created
        }
        return bound.value
    }
}
