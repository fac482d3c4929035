import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import SluiceRouting

/// The streaming reverse proxy's data plane: configures each accepted client connection and owns
/// what connections share, kept per event loop (`ProxyLoopContext`: upstream pool, routing-table
/// replica, load-balancing turns, metric counters, access log buffer).
///
/// The `sluice` executable (and the loopback tests' `withProxy`) gives `ProxyService` an
/// initializer that calls `configureSynchronously(channel:)` for every accepted channel on its
/// own loop. Make the store with `RoutingTableStore(replicasFor:)` and the same group, so that
/// no loop copies a table itself.
public final class ProxyDataPlane: Sendable {
    public let store: RoutingTableStore
    public let configuration: ProxyConfiguration
    public let eventLoopGroup: any EventLoopGroup
    let logger: Logger
    private let _metrics: ProxyMetrics
    /// The per-client limits' counts, shared by every loop (`ClientLimiter`).
    let clientLimiter = ClientLimiter()
    /// Requests in flight and latency per endpoint, shared by every loop and kept across tables
    /// (`least_streams`, `ewma`).
    let endpointLoads = EndpointLoads()
    private let connector: UpstreamConnector
    /// TLS clients to backends, shared by every loop (each looks them up through its own
    /// `UpstreamTLSLookup`).
    private let upstreamTLSClients = UpstreamTLSClients()
    /// One slot per event loop of `eventLoopGroup`, made here: a connection finds its loop's
    /// context with no lock taken. The context itself is made on its loop by the loop's first
    /// connection, so that its counters are allocated from that thread's memory.
    private let slots: [ObjectIdentifier: LoopSlot]
    /// Contexts of loops outside the group (a test's `EmbeddedEventLoop`), made under a lock.
    private let foreignLoops = NIOLockedValueBox<[ObjectIdentifier: LoopSlot]>([:])

    /// Where one event loop's context lives, and which routing-table replica it takes.
    private struct LoopSlot: Sendable {
        let index: Int
        let context: NIOLoopBoundBox<ProxyLoopContext?>
    }

    public convenience init(
        store: RoutingTableStore,
        configuration: ProxyConfiguration,
        eventLoopGroup: any EventLoopGroup,
        logger: Logger
    ) {
        self.init(store: store, configuration: configuration, eventLoopGroup: eventLoopGroup, logger: logger, connector: .sockets)
    }

    /// - Parameter connector: opens upstream connections (a test's own channels, see
    ///   `UpstreamConnector`).
    init(
        store: RoutingTableStore,
        configuration: ProxyConfiguration,
        eventLoopGroup: any EventLoopGroup,
        logger: Logger,
        connector: UpstreamConnector
    ) {
        self.connector = connector
        self.store = store
        self._metrics = ProxyMetrics(store: store)
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
        var slots: [ObjectIdentifier: LoopSlot] = [:]
        for (index, loop) in eventLoopGroup.makeIterator().enumerated() {
            slots[ObjectIdentifier(loop)] = LoopSlot(index: index, context: .makeEmptyBox(eventLoop: loop))
        }
        self.slots = slots
    }

    /// Counters of this pipeline (requests, upstream connections, buffered-bytes high-water marks).
    public var metrics: ProxyMetrics { _metrics }

    /// Configures one accepted client connection's pipeline (request decoder + proxy handler).
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
        guard configuration.proxyProtocol else {
            try configurePlainSynchronously(channel: channel, client: nil)
            return
        }
        try channel.pipeline.syncOperations.addHandler(
            ProxyProtocolHandler(timeout: TimeAmount(configuration.clientHeaderTimeout)) { [self] channel, client in
                try configurePlainSynchronously(channel: channel, client: client)
            })
    }

    /// A plain listener's connection: HTTP/1.1, or with h2c on whichever protocol its first
    /// bytes speak (`HTTP2PrefaceSniffer`).
    private func configurePlainSynchronously(channel: any Channel, client: ProxiedClient?) throws {
        guard configuration.h2c else {
            try configureHTTP1Synchronously(channel: channel, secure: false, client: client)
            return
        }
        try channel.pipeline.syncOperations.addHandler(
            HTTP2PrefaceSniffer(timeout: TimeAmount(configuration.clientHeaderTimeout)) { [self] channel, verdict in
                if verdict == .http2 {
                    try configureHTTP2Synchronously(channel: channel, secure: false, client: client)
                } else {
                    try configureHTTP1Synchronously(channel: channel, secure: false, client: client)
                }
            })
    }

    /// `configureSynchronously(channel:)` for a connection that came over TLS (`secure`: the
    /// upstream is told `X-Forwarded-Proto: https`) or not, from `client` when a load balancer's
    /// PROXY header named one (nil: the socket's peer); `clientCertificate`: what the TLS
    /// handshake established of the client's certificate (nil: it asked for none).
    func configureHTTP1Synchronously(
        channel: any Channel, secure: Bool, client: ProxiedClient?, clientCertificate: ClientCertificateFacts? = nil
    ) throws {
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
        // Only the handler writes responses (compressed ones too, see `HTTP1ResponseWriter`): the
        // encoder is no handler of its own but writes from the decoder's place, next to the
        // channel, where no outbound handler is passed on the way (`ClientResponseEncoder.attach`).
        // One by one and named: `addHandlers` builds an array of existentials, and an unnamed
        // handler gets a name made by string interpolation (1.1k instructions a connection).
        try sync.addHandler(decoder, name: Self.requestDecoderName)
        encoder.attach(to: try sync.context(handler: decoder))
        let writer = HTTP1ResponseWriter(encoder: encoder)
        try sync.addHandler(
            ClientConnectionHandler(dataPlane: self, loop: loop, writer: writer, secure: secure, proxiedClient: client,
                clientCertificate: clientCertificate), name: Self.handlerName)
    }

    private static let requestDecoderName = "sluice.request-decoder"
    private static let handlerName = "sluice.client"

    /// Closes the idle keep-alive upstream connections of every event loop (connections in use
    /// are left to their exchanges). For shutdown, after the listener stopped.
    public func closeIdleUpstreamConnections() {
        for slot in allSlots {
            let box = slot.context
            box.eventLoop.execute {
                box.value?.pool.closeIdle()
                box.value?.http2Pool.closeIdle()
            }
        }
    }

    /// Writes every event loop's buffered access log lines, and from then on each line as it
    /// comes; returns once they are written. For shutdown, once the listener drained, so that no
    /// line is left in a buffer when the process exits.
    public func flushAccessLogForShutdown() async {
        guard configuration.accessLog != nil else { return }
        let flushes = allSlots.map { slot in
            let box = slot.context
            return box.eventLoop.submit { box.value?.accessLog?.shutDown() }
        }
        for flush in flushes { try? await flush.get() }
    }

    private var allSlots: [LoopSlot] {
        Array(slots.values) + foreignLoops.withLockedValue { Array($0.values) }
    }

    /// The shared state of `eventLoop`'s connections. Must be called on that loop.
    func loopContext(for eventLoop: any EventLoop) -> ProxyLoopContext {
        let key = ObjectIdentifier(eventLoop)
        let slot =
            slots[key]
            ?? foreignLoops.withLockedValue { foreign in
                if let existing = foreign[key] { return existing }
                let made = LoopSlot(index: slots.count + foreign.count, context: .makeEmptyBox(eventLoop: eventLoop))
                foreign[key] = made
                return made
            }
        if let context = slot.context.value { return context }
        let metrics = _metrics.makeShard()
        let context = ProxyLoopContext(
            eventLoop: eventLoop, pool: UpstreamConnectionPool(
                eventLoop: eventLoop, configuration: configuration, metrics: metrics, connector: connector),
            http2Pool: HTTP2UpstreamPool(
                eventLoop: eventLoop, configuration: configuration, metrics: metrics, connector: connector),
            metrics: metrics, routes: LoopRoutingTable(store: store, index: slot.index),
            deadlines: DeadlineWheel(eventLoop: eventLoop),
            accessLog: configuration.accessLog.map { AccessLogWriter(sink: $0, eventLoop: eventLoop) },
            upstreamTLS: UpstreamTLSLookup(shared: upstreamTLSClients), endpointLoads: endpointLoads,
            maxPasswordChecksInFlight: configuration.maxPasswordChecksInFlight)
        slot.context.value = context
        return context
    }
}
