import Logging
import NIOCore
import NIOHTTP1
import SluiceRouting

/// Proxies the requests of one client connection, one exchange at a time.
///
/// Decisions live in `ClientConnectionStateMachine` and the pure header/validation functions;
/// this handler does the I/O: routing once per request, acquiring upstream connections, moving
/// parts both ways (each written and flushed as it arrives), backpressure (`read()` is passed on
/// only while the other side is writable), timers, and turning an upgraded exchange into a tunnel.
final class ClientConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    let pipeline: ProxyPipeline
    var machine = ClientConnectionStateMachine()
    private(set) var context: ChannelHandlerContext?
    var exchange: ProxiedExchange?
    /// Parts of a request pipelined behind the current exchange.
    private var queued: [HTTPServerRequestPart] = []
    private var readHeld = false
    /// The header (slowloris) timer on a fresh connection, the keep-alive timer afterwards.
    private var clientTimer: Scheduled<Void>?
    private var facts = ClientConnectionFacts(clientIP: nil, localPort: nil, proto: "http")

    init(pipeline: ProxyPipeline) {
        self.pipeline = pipeline
    }

    private var configuration: ProxyConfiguration { pipeline.configuration }
    var metrics: ProxyMetrics { pipeline.metrics }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { connectionStarted(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        connectionStarted(context: context)
        context.fireChannelActive()
    }

    private func connectionStarted(context: ChannelHandlerContext) {
        guard clientTimer == nil, machine.isIdle else { return }
        facts = ClientConnectionFacts(
            clientIP: context.channel.remoteAddress?.ipAddress,
            localPort: context.channel.localAddress?.port,
            proto: configuration.forwardedProto)
        armClientTimer(configuration.clientHeaderTimeout) { $0.headerTimeoutFired() }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        handle(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        machine.clientClosed()
        cancelClientTimer()
        queued.removeAll()
        if let exchange {
            exchange.cancelTimers()
            exchange.upstream?.close()
            self.exchange = nil
        }
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            exchange?.upstream?.handler.resumeReading()
        }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            perform(machine.quiesceRequested())
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else {
            pipeline.logger.debug("client connection error", metadata: ["error": "\(error)"])
            context.close(promise: nil)
            return
        }
        let rejection =
            parserError == .headerOverflow
            ? RequestRejection(status: .requestHeaderFieldsTooLarge, reason: "request header fields too large")
            : RequestRejection(status: .badRequest, reason: "malformed request (\(parserError))")
        fail(exchange, .rejected(rejection))
    }

    func read(context: ChannelHandlerContext) {
        if clientMayRead {
            context.read()
        } else {
            if !readHeld, exchange?.upstream != nil { metrics.clientReadPaused() }
            readHeld = true
        }
    }

    // MARK: Request parts

    private func handle(_ part: HTTPServerRequestPart) {
        switch part {
        case .head(let head):
            switch machine.requestHeadReceived(keepAlive: head.isKeepAlive) {
            case .startExchange: startExchange(head)
            case .queue: queued.append(part)
            default: break
            }
        case .body(let buffer):
            switch machine.requestBodyReceived() {
            case .forward: forward(.body(.byteBuffer(buffer)))
            case .queue: queued.append(part)
            default: break
            }
        case .end(let trailers):
            let action = machine.requestEndReceived()
            switch action {
            case .forward: forward(.end(trailers))
            case .queue: queued.append(part)
            default: perform(action)
            }
        }
    }

    private func startExchange(_ head: HTTPRequestHead) {
        cancelClientTimer()
        metrics.requestReceived()
        if let rejection = RequestHeadValidator.validate(head, maxHeaderBytes: configuration.maxHeaderBytes) {
            fail(nil, .rejected(rejection))
            return
        }
        let path = UpstreamRequestHead.path(of: head.uri)
        let host = head.headers.first(name: "host") ?? ""
        guard let route = pipeline.store.snapshot.table.match(host: Substring(host), path: path) else {
            fail(nil, .noRoute(host: host, path: path))
            return
        }
        guard let endpoint = pipeline.balancer.next(for: route.backend) else {
            fail(nil, .noEndpoints(backend: route.backend.name))
            return
        }
        let upstreamHead = UpstreamRequestHead.make(
            from: head, facts: facts, declaredEventStream: route.policy.declaresEventStream(path: path),
            requestID: ForwardedHeaders.randomRequestID())
        let exchange = ProxiedExchange(clientHead: head, upstreamHead: upstreamHead, route: route, path: path)
        self.exchange = exchange
        attempt(exchange, endpoint: endpoint, fresh: false)
    }

    /// A request part from the client: sent upstream now, or held until the upstream is ready.
    private func forward(_ part: HTTPClientRequestPart) {
        guard let exchange else { return }
        guard let upstream = exchange.upstream else {
            exchange.pending.append(part)
            return
        }
        send(part, on: upstream, for: exchange)
        upstream.flush()
        metrics.observeUpstreamBuffered(upstream.bufferedBytes)
        if case .end = part { touchUpstream(exchange) }
    }

    private func send(_ part: HTTPClientRequestPart, on upstream: UpstreamConnection, for exchange: ProxiedExchange) {
        switch part {
        case .body(.byteBuffer(let buffer)): exchange.bodyBytesSent += buffer.readableBytes
        case .body(.fileRegion(let region)): exchange.bodyBytesSent += region.readableBytes
        case .end: exchange.requestEndSent = true
        case .head: break
        }
        upstream.write(part)
    }

    // MARK: Upstream attempts

    func attempt(_ exchange: ProxiedExchange, endpoint: Endpoint, fresh: Bool) {
        guard let context else { return }
        exchange.attempts += 1
        exchange.endpoint = endpoint
        let pool = pipeline.pool(for: context.eventLoop)
        pool.acquire(endpoint: endpoint, connectTimeout: exchange.route.policy.connectTimeout, fresh: fresh) {
            [self] result in
            guard self.exchange === exchange, self.context != nil else {
                if case .success(let lease) = result {
                    if lease.reused { pool.release(lease.connection) } else { lease.connection.close() }
                }
                return
            }
            switch result {
            case .success(let lease):
                upstreamReady(exchange, connection: lease.connection, reused: lease.reused)
            case .failure(let error):
                connectFailed(exchange, error: error)
            }
        }
    }

    private func upstreamReady(_ exchange: ProxiedExchange, connection: UpstreamConnection, reused: Bool) {
        exchange.upstream = connection
        exchange.upstreamReused = reused
        connection.handler.delegate = self
        connection.requestsSent += 1
        connection.write(.head(exchange.upstreamHead))
        let pending = exchange.pending
        exchange.pending.removeAll()
        for part in pending { send(part, on: connection, for: exchange) }
        connection.flush()
        connection.handler.resumeReading()
        touchUpstream(exchange)
        resumeClientReads()
    }

    private func connectFailed(_ exchange: ProxiedExchange, error: any Error) {
        pipeline.logger.debug(
            "upstream connect failed",
            metadata: ["endpoint": "\(exchange.endpoint.map { "\($0)" } ?? "?")", "error": "\(error)"])
        if configuration.retryConnectOnce, exchange.attempts == 1, exchange.isReplayable,
            let failed = exchange.endpoint,
            let next = pipeline.balancer.next(for: exchange.route.backend, excluding: failed)
        {
            metrics.upstreamRetried()
            attempt(exchange, endpoint: next, fresh: false)
            return
        }
        fail(exchange, .upstreamUnreachable(backend: exchange.route.backend.name))
    }

    /// Ends `exchange` (or a request that never got one) with `error`.
    func fail(_ exchange: ProxiedExchange?, _ error: ProxyErrorResponse) {
        if let exchange {
            exchange.cancelTimers()
            exchange.upstream?.close()
            exchange.upstream = nil
            if self.exchange === exchange { self.exchange = nil }
        }
        perform(machine.exchangeFailed(error))
        resumeClientReads()
    }

    // MARK: Timers

    /// Records upstream activity; the idle timer fires only after `idleTimeout` of silence.
    func touchUpstream(_ exchange: ProxiedExchange) {
        guard exchange.requestEndSent || exchange.responseKind != nil else { return }
        exchange.lastUpstreamActivity = .now()
        guard exchange.idleTimer == nil else { return }
        scheduleIdleCheck(exchange, after: exchange.idleTimeout)
    }

    private func scheduleIdleCheck(_ exchange: ProxiedExchange, after delay: Duration) {
        guard let context else { return }
        exchange.idleTimer = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(delay)) { [self] in
            exchange.idleTimer = nil
            guard self.exchange === exchange else { return }
            let silentFor = NIODeadline.now() - exchange.lastUpstreamActivity
            let limit = TimeAmount(exchange.idleTimeout)
            if silentFor < limit {
                scheduleIdleCheck(exchange, after: Duration(limit - silentFor))
            } else {
                fail(exchange, .upstreamTimeout(backend: exchange.route.backend.name))
            }
        }
    }

    private func armClientTimer(
        _ delay: Duration, _ event: @escaping (inout ClientConnectionStateMachine) -> ClientConnectionStateMachine.Action
    ) {
        cancelClientTimer()
        guard let context else { return }
        clientTimer = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(delay)) { [self] in
            clientTimer = nil
            perform(event(&machine))
        }
    }

    func cancelClientTimer() {
        clientTimer?.cancel()
        clientTimer = nil
    }

    // MARK: Actions

    private func perform(_ action: ClientConnectionStateMachine.Action) {
        guard let context else { return }
        switch action {
        case .none, .startExchange, .forward, .queue, .discard:
            break
        case .writeError(let error, let close):
            writeError(error, close: close, context: context)
        case .finishExchange(let close):
            finish(trailers: nil, close: close, context: context)
        case .closeClient:
            context.close(promise: nil)
        }
    }

    private func writeError(_ error: ProxyErrorResponse, close: Bool, context: ChannelHandlerContext) {
        var response = error
        response.closeConnection = close
        context.write(wrapOutboundOut(.head(response.head())), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(response.body(allocator: context.channel.allocator)))), promise: nil)
        finish(trailers: nil, close: close, context: context)
    }

    /// Writes the end of the response, then closes or waits for the next request.
    func finish(trailers: HTTPHeaders?, close: Bool, context: ChannelHandlerContext) {
        let written = context.writeAndFlush(wrapOutboundOut(.end(trailers)))
        if close {
            written.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        } else {
            awaitNextRequest()
        }
    }

    private func awaitNextRequest() {
        armClientTimer(configuration.keepAliveIdleTimeout) { $0.keepAliveTimeoutFired() }
        let parts = queued
        queued.removeAll()
        for part in parts { handle(part) }
        resumeClientReads()
    }

    // MARK: Backpressure

    private var clientMayRead: Bool {
        if !queued.isEmpty { return false }
        guard let exchange else { return true }
        let requestComplete = machine.exchange?.requestComplete ?? true
        guard let upstream = exchange.upstream else { return requestComplete }
        return requestComplete || upstream.channel.isWritable
    }

    func resumeClientReads() {
        guard readHeld, clientMayRead, let context else { return }
        readHeld = false
        context.read()
    }

    func observeClientBuffered(_ context: ChannelHandlerContext) {
        if let buffered = try? context.channel.syncOptions?.getOption(ChannelOptions.bufferedWritableBytes) {
            metrics.observeClientBuffered(buffered)
        }
    }
}

@available(*, unavailable)
extension ClientConnectionHandler: Sendable {}
