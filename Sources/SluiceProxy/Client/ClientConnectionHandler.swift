import Logging
import NIOCore
import NIOHTTP1
import SluiceRouting

/// Proxies the requests of one HTTP/1 client connection, one exchange at a time.
///
/// Decisions live in `HTTP1ConnectionStateMachine` (and the `ExchangeStateMachine` it holds),
/// `RequestDecision` and `ExchangePolicy`; the upstream side of each request is its
/// `ProxiedExchange`, which answers this handler as its `ExchangeClient`. The handler does the
/// connection's I/O and performs what the machines return: reading requests, backpressure on the
/// client (`autoRead` off while the upstream cannot take more), the connection's deadlines, and
/// turning an upgraded exchange into a tunnel. Responses go out through its `HTTP1ResponseWriter`.
///
/// Parts are written as they arrive and flushed once per read burst of the side they came from
/// (`channelReadComplete`): an event that arrives alone is flushed alone, at once, while a small
/// response that arrives in one read leaves in one write.
final class ClientConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let dataPlane: ProxyDataPlane
    var machine = HTTP1ConnectionStateMachine()
    private(set) var context: ChannelHandlerContext?
    /// What this connection shares with the others of its event loop.
    let loop: ProxyLoopContext
    /// Writes the responses (see `HTTP1ResponseWriter`).
    var writer: HTTP1ResponseWriter
    var exchange: ProxiedExchange?
    /// The client is not being read (`autoRead` off): see `clientMayRead`.
    var readHeld = false
    /// Response parts written to the client since the last flush.
    var clientFlushPending = false
    private var started = false
    /// The header (slowloris) deadline on a fresh connection, the keep-alive deadline afterwards.
    var clientDeadline: (at: NIODeadline, event: ClientDeadline)?
    /// The connection's place in its loop's deadline wheel (see `+Deadlines`).
    var wheelPlace: DeadlineWheel.Place?
    /// Set once the connection only waits to close, dropping what the client still sends.
    var lingering: LingeringClose?
    /// The loop's access log writer (nil: no access log), read once.
    let accessLog: AccessLogWriter?
    /// The access log entry of the exchange in progress (only with an access log).
    var pendingLog: PendingAccessLogEntry?
    /// The request metrics of the exchange in progress.
    var exchangeMetrics: ExchangeMetricsRecord?
    private var facts = ClientConnectionFacts(clientIP: nil, localPort: nil, proto: "http")
    /// The connection came over TLS.
    private let secure: Bool
    /// The client a load balancer's PROXY header named (nil: the socket's peer).
    private let proxiedClient: ProxiedClient?
    /// What the TLS handshake established of the client's certificate (nil: it asked for none).
    private let clientCertificate: ClientCertificateFacts?

    /// - Parameters:
    ///   - loop: the context of the event loop the connection's channel belongs to.
    ///   - secure: the connection came over TLS (`X-Forwarded-Proto: https`).
    init(
        dataPlane: ProxyDataPlane, loop: ProxyLoopContext, writer: HTTP1ResponseWriter, secure: Bool = false,
        proxiedClient: ProxiedClient? = nil, clientCertificate: ClientCertificateFacts? = nil
    ) {
        self.clientCertificate = clientCertificate
        self.dataPlane = dataPlane
        self.secure = secure
        self.proxiedClient = proxiedClient
        self.loop = loop
        self.writer = writer
        self.accessLog = loop.accessLog
    }

    var configuration: ProxyConfiguration { dataPlane.configuration }
    var clientAddress: String? { facts.clientIP }
    var metrics: ProxyMetricsShard { loop.metrics }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { connectionStarted(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimer()
        writer.detach()
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        connectionStarted(context: context)
        context.fireChannelActive()
    }

    private func connectionStarted(context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        // Counted from here to `channelInactive`, or to the tunnel's end (`TunnelSplice`): a
        // handler event, not a close-future callback, which costs a closure to register and
        // about 1.5k instructions to run per connection.
        metrics.clientConnectionOpened()
        let remote = context.channel.remoteAddress
        facts = ClientConnectionFacts(
            clientIP: proxiedClient?.text ?? remote?.clientIPText,
            localPort: context.channel.localAddress?.port,
            proto: secure ? "https" : configuration.forwardedProto,
            clientAddress: proxiedClient?.address ?? remote?.clientIPAddress, trustedProxies: configuration.trustedProxies,
            clientCertificate: clientCertificate)
        setClientDeadline(after: configuration.clientHeaderTimeout, .header)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard lingering == nil else { return }
        handle(unwrapInboundIn(data))
    }

    /// The end of a read burst: what it brought goes upstream, and the client is read no further
    /// while it may not be (pipelined requests queued, or an upload the upstream cannot take).
    /// NIO issues the next read right after this, unless `autoRead` went off here.
    func channelReadComplete(context: ChannelHandlerContext) {
        if lingering != nil {
            lingeringClientSent()
            return
        }
        exchange?.flushUpstream()
        if clientDeadline?.event == .keepAlive, machine.isIdle {
            // Part of the next request's head arrived (a whole one would have started an
            // exchange): from here it has the header timeout, as nginx switches from
            // `keepalive_timeout` to `client_header_timeout` at the first byte.
            setClientDeadline(after: configuration.clientHeaderTimeout, .header)
        }
        if machine.awaitsRequestBody {
            if clientDeadline == nil { requestBodyProgressed() }
            rearmTimer()
        }
        if !readHeld, !clientMayRead {
            if exchange?.upstream != nil { metrics.clientReadPaused() }
            readHeld = true
            context.setAutoRead(false)
        }
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if started { metrics.clientConnectionClosed() }
        if machine.awaitsRequestBody, let exchange {
            // nginx: "client prematurely closed connection while reading client request body".
            dataPlane.logger.info(
                "client closed the connection before the end of its request body",
                metadata: ["backend": "\(exchange.backend.name)", "bodyBytesForwarded": "\(exchange.bodyBytesSent)"])
        }
        if accessLog != nil {
            logUpstreamTried(exchange?.endpoint)
            logExchangeEnded(.clientClosed)
        }
        metricsExchangeEnded(clientClosed: true)
        machine.clientClosed()
        cancelTimer()
        if let exchange {
            exchange.upstream?.close()
            self.exchange = nil
        }
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, let exchange { exchange.clientBecameWritable() }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            exchangeMetrics?.quiescing = true
            perform(machine.quiesceRequested())
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if lingering != nil || Self.isDataAfterClosingRequest(error) {
            // NIO's decoder decoded a whole request with `Connection: close` (the current one,
            // or one queued behind it) and refuses the bytes after it, and every read after
            // that. Those bytes are ignored (RFC 9112 §9.6); the requests up to the closing one
            // are answered, and the connection closes after its response.
            return
        }
        guard let parserError = error as? HTTPParserError else {
            dataPlane.logger.debug("client connection error", metadata: ["error": "\(error)"])
            context.close(promise: nil)
            return
        }
        logUnparsedRequest()
        let rejection =
            parserError == .headerOverflow
            ? RequestRejection(status: .requestHeaderFieldsTooLarge, reason: "request header fields too large")
            : RequestRejection(status: .badRequest, reason: "malformed request (\(parserError))")
        fail(exchange, .rejected(rejection))
    }

    private static func isDataAfterClosingRequest(_ error: any Error) -> Bool {
        if let parserError = error as? HTTPParserError { return parserError == .closedConnection }
        if case .dataReceivedInErrorState(let first, _)? = error as? ByteToMessageDecoderError {
            return isDataAfterClosingRequest(first)
        }
        return false
    }

    // MARK: Request parts

    private func handle(_ part: HTTPServerRequestPart) {
        switch part {
        case .head(let head):
            switch machine.requestHeadReceived(head) {
            case .startExchange: startExchange(head)
            case .queued, .discard: break
            }
        case .body(let buffer):
            if machine.awaitsRequestBody { requestBodyProgressed() }
            let action = machine.requestBodyReceived(part)
            if action == .forward, let exchange, !exchange.admitsRequestBody(buffer.readableBytes) {
                requestBodyEnded()
                fail(exchange, .payloadTooLarge)
                return
            }
            perform(action, forwarding: .body(.byteBuffer(buffer)))
        case .end(let trailers):
            if machine.awaitsRequestBody { requestBodyEnded() }
            perform(machine.requestEndReceived(part), forwarding: .end(trailers))
        }
    }

    private func perform(_ action: HTTP1ConnectionStateMachine.PartAction, forwarding part: UpstreamRequestPart) {
        switch action {
        case .forward: exchange?.forward(part)
        case .queued, .discard: break
        case .perform(let action): perform(action)
        }
    }

    private func startExchange(_ received: HTTPRequestHead) {
        clientDeadline = nil
        metrics.requestReceived()
        metricsRequestStarted(received.method, proto: .http1)
        if accessLog != nil { logRequestStarted(received) }
        let head: HTTPRequestHead
        let route: Route
        let policy: ExchangePolicy
        var matched: Route?
        switch RequestDecision.decide(
            received, table: loop.routes.table, configuration: configuration, secure: secure, facts: facts, matched: &matched)
        {
        case .forward(let forwarded, let routed, let decided):
            (head, route, policy) = (forwarded, routed, decided)
            metricsRouted(routed)
        case .reject(let error):
            fail(nil, error)
            return
        case .refuse(let error, let requestHasBody), .respond(let error, let requestHasBody):
            // Counted under the route it matched (a refusal on its behalf), else as unrouted.
            if let matched { metricsRouted(matched) }
            refuse(error, requestHasBody: requestHasBody)
            return
        }
        var limitSlot: ClientLimitSlot?
        if route.policy.clientLimits != nil {
            switch dataPlane.clientLimiter.admit(received, route: route, facts: facts, now: loop.now) {
            case .admitted(let slot): limitSlot = slot
            case .refused(let error):
                refuse(error, requestHasBody: RequestDecision.hasBody(received))
                return
            }
        }
        guard let pick = loop.pickEndpoint(for: route, head: head, facts: facts) else {
            refuse(.noEndpoints(backend: route.backend.name), requestHasBody: true)
            return
        }
        let endpoint = pick.endpoint
        let upstreamHead = UpstreamRequestHead(
            from: head, facts: facts, declaredEventStream: policy.declaredEventStream,
            forwardsUnderscoredNames: configuration.forwardsUnderscoredHeaderNames, requestID: loop.requestIDs.nextID(),
            allocator: context?.channel.allocator ?? ByteBufferAllocator(), addedFields: route.policy.requestHeaders)
        if accessLog != nil { logRouted(route, requestID: upstreamHead.requestID) }
        let exchange = ProxiedExchange(
            client: self, upstreamHead: upstreamHead, clientVersion: head.version, backend: route.backend, policy: policy,
            upstreamTLS: loop.upstreamTLSClient(for: route.policy))
        self.exchange = exchange
        exchange.metricsRouted(exchangeMetrics)
        exchange.limitSlot = limitSlot
        exchange.loadSlot = pick.slot
        exchange.adoptSticky(pick)
        if policy.errorPages != nil {
            exchange.prepareErrorPages(
                for: head, originalURI: received.uri, route: route, facts: facts, allocator: context?.channel.allocator ?? ByteBufferAllocator(),
                forwardsUnderscoredNames: configuration.forwardsUnderscoredHeaderNames)
        }
        if let auth = route.policy.basicAuth { exchange.basicAuthGate = .init(head: head, auth: auth) }
        if upstreamHead.expectsContinue, head.version.major == 1, head.version.minor >= 1, context != nil {
            // The client waits for this before sending its body; the upstream never sees the
            // `Expect` (nginx and Envoy answer it the same way).
            writeResponseHead(HTTPResponseHead(version: .http1_1, status: .continue), answering: nil)
            writer.flush()
        }
        guard let auth = route.policy.externalAuth else {
            exchange.attempt(endpoint: endpoint, fresh: false)
            return
        }
        let (facts, configuration, allocator) = (self.facts, self.configuration, context?.channel.allocator ?? ByteBufferAllocator())
        exchange.authorizeThenAttempt(endpoint: endpoint, auth: auth, head: head, facts: facts) { fields in
            UpstreamRequestHead(
                from: head.replacingFields(fields), facts: facts, declaredEventStream: policy.declaredEventStream,
                forwardsUnderscoredNames: configuration.forwardsUnderscoredHeaderNames, requestID: String(upstreamHead.requestID),
                allocator: allocator)
        }
    }

    /// An error decided from the request head. One to a request with a body goes out at once and
    /// the connection closes after it (see `exchangeFailed`); one to a request without (a `GET`)
    /// waits for the request's end, the next part, and the connection stays open.
    private func refuse(_ error: ProxyErrorResponse, requestHasBody: Bool) {
        perform(machine.exchangeFailed(error, requestHasNoBody: !requestHasBody))
        resumeClientReads()
    }

    /// Ends `exchange` (or a request that never got one) with `error`.
    func fail(_ exchange: ProxiedExchange?, _ error: ProxyErrorResponse) {
        if let exchange {
            if accessLog != nil { logUpstreamTried(exchange.endpoint) }
            exchange.closeUpstream()
            if self.exchange === exchange { self.exchange = nil }
        }
        perform(machine.exchangeFailed(error))
        resumeClientReads()
    }

    /// Lets go of the current exchange's upstream side: its connection closes (its response will
    /// not be read to the end).
    func endUpstream() {
        guard let exchange else { return }
        if accessLog != nil { logUpstreamTried(exchange.endpoint) }
        exchange.closeUpstream()
        self.exchange = nil
    }

    private func requestBodyEnded() {
        if clientDeadline?.event == .requestBody { clientDeadline = nil }
    }

    func awaitNextRequest() {
        setClientDeadline(after: configuration.keepAliveIdleTimeout, .keepAlive)
        let parts = machine.takeQueued()
        for part in parts { handle(part) }
        exchange?.flushUpstream()
        resumeClientReads()
    }

    // MARK: Backpressure

    private var clientMayRead: Bool {
        if machine.hasQueuedRequests { return false }
        guard let exchange, machine.forwardsRequestBody else { return true }
        return exchange.upstream?.channel.isWritable ?? false
    }

    func resumeClientReads() {
        guard readHeld, clientMayRead, let context else { return }
        readHeld = false
        if machine.awaitsRequestBody { requestBodyProgressed() }
        context.setAutoRead(true)
    }
}

@available(*, unavailable)
extension ClientConnectionHandler: Sendable {}
