import NIOCore
import NIOHTTP1
import SluiceRouting

/// Proxies the request of one HTTP/2 stream: the last handler of a stream channel, behind
/// swift-nio-http2's `HTTP2FramePayloadToHTTP1ServerCodec`.
///
/// The same core as an HTTP/1 request: `RequestDecision` routes it, a `ProxiedExchange` drives
/// its upstream side (pool, relay, policies, deadlines), and this handler is that exchange's
/// `ExchangeClient` (`+ExchangeClient`), writing the response through an `HTTP2ResponseWriter`.
/// What HTTP/1 needs a connection machine for is the HTTP/2 connection's business here: a stream
/// carries one request, so there is no keep-alive, pipelining or lingering close; an exchange
/// that cannot end well resets its stream (the stream channel closes), and the others go on.
///
/// Backpressure per stream: the stream is not read while its upstream cannot take the upload
/// (the client's window is not replenished), and its upstream is not read while the stream is
/// not writable (the client grants no window).
final class HTTP2StreamHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let dataPlane: ProxyDataPlane
    /// What the stream shares with the others of its event loop (the connection's loop).
    let loop: ProxyLoopContext
    private(set) var context: ChannelHandlerContext?
    /// Writes the response; set once the handler is added.
    var writer: HTTP2ResponseWriter?
    var exchange: ProxiedExchange?
    /// The request's progress and the response's (nil until the request head arrives).
    var state: ExchangeStateMachine?
    /// Response parts written since the last flush.
    var flushPending = false
    /// The stream is not being read (`autoRead` off): its upstream cannot take more.
    var readHeld = false
    /// The stream's place in its loop's deadline wheel.
    var wheelPlace: DeadlineWheel.Place?
    /// While the request body is unfinished: when the client must have sent more of it
    /// (`clientBodyTimeout`, see `+Deadlines`).
    var requestBodyDeadline: NIODeadline?
    /// The request metrics of the stream's exchange.
    var exchangeMetrics: ExchangeMetricsRecord?
    /// The loop's access log writer (nil: no access log), read once.
    let accessLog: AccessLogWriter?
    /// The access log entry of the stream's exchange (only with an access log).
    var pendingLog: PendingAccessLogEntry?
    /// The `:protocol` of an extended CONNECT (`ExtendedConnectReader`).
    var extendedConnectProtocol: String?
    /// The stream carries a WebSocket (RFC 8441), relayed as an HTTP/1.1 upgrade.
    private(set) var carriesWebSocket = false
    /// The client's address, as logged (the connection's peer, or who a PROXY header named).
    private(set) var clientAddress: String?
    /// The request is gRPC (its `content-type`): the proxy's own answers are gRPC statuses.
    private(set) var grpcRequest = false

    /// The connection came over TLS.
    private let secure: Bool

    /// The client a load balancer's PROXY header named (nil: the connection's peer).
    private let proxiedClient: ProxiedClient?
    /// What the TLS handshake established of the client's certificate (nil: it asked for none).
    private let clientCertificate: ClientCertificateFacts?
    /// The connection's drain: a stream cut when the drained connection closes ended by shutdown.
    private let drain: HTTP2DrainState?

    init(
        dataPlane: ProxyDataPlane, loop: ProxyLoopContext, secure: Bool, proxiedClient: ProxiedClient? = nil,
        clientCertificate: ClientCertificateFacts? = nil, drain: HTTP2DrainState? = nil
    ) {
        self.clientCertificate = clientCertificate
        self.drain = drain
        self.dataPlane = dataPlane
        self.secure = secure
        self.proxiedClient = proxiedClient
        self.loop = loop
        self.accessLog = loop.accessLog
    }

    var configuration: ProxyConfiguration { dataPlane.configuration }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        writer = HTTP2ResponseWriter(context: context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        loop.deadlines.remove(self)
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            guard state == nil else { return }
            start(head, context: context)
        case .body(let buffer):
            if requestBodyDeadline != nil { requestBodyProgressed() }
            guard state?.requestBodyReceived() == .forward, let exchange else { return }
            guard exchange.admitsRequestBody(buffer.readableBytes) else {
                requestBodyDeadline = nil
                exchangeFailed(exchange, .payloadTooLarge)
                return
            }
            exchange.forward(.body(.byteBuffer(buffer)))
        case .end(let trailers):
            requestBodyDeadline = nil
            switch state?.requestEndReceived() {
            case .forward?: exchange?.forward(.end(trailers))
            case .writeError(let error, _)?: writeError(error)
            case .discard?, nil: break
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        exchange?.flushUpstream()
        if !readHeld, !mayRead {
            readHeld = true
            context.setAutoRead(false)
        }
        if requestBodyDeadline != nil { rearmTimer() }
        context.fireChannelReadComplete()
    }

    /// The stream closed: reset by the client, or the connection went away.
    func channelInactive(context: ChannelHandlerContext) {
        loop.deadlines.remove(self)
        if let exchange {
            if accessLog != nil { logUpstreamTried(exchange.endpoint) }
            exchange.closeUpstream()
            self.exchange = nil
        }
        if accessLog != nil { logExchangeEnded(.clientClosed) }
        if drain?.isDraining == true { exchangeMetrics?.quiescing = true }
        metricsExchangeEnded(clientClosed: true)
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, let exchange { exchange.clientBecameWritable() }
        context.fireChannelWritabilityChanged()
    }

    private func start(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        loop.metrics.http2RequestReceived(secure: secure)
        metricsRequestStarted(head.method, proto: secure ? .h2 : .h2c)
        var received = head
        if head.method == .CONNECT, extendedConnectProtocol?.lowercased() == "websocket" {
            carriesWebSocket = true
            received = WebSocketOverHTTP2.upstreamRequest(from: head)
        }
        state = ExchangeStateMachine(method: received.method, closeAfter: false)
        grpcRequest = GRPCErrorResponse.isGRPC(contentType: received.headers.first(name: "content-type"))
        let parent = context.channel.parent
        let facts = ClientConnectionFacts(
            clientIP: proxiedClient?.text ?? parent?.remoteAddress?.clientIPText, localPort: parent?.localAddress?.port,
            proto: secure ? "https" : configuration.forwardedProto,
            clientAddress: proxiedClient?.address ?? parent?.remoteAddress?.clientIPAddress,
            trustedProxies: configuration.trustedProxies, clientCertificate: clientCertificate)
        clientAddress = facts.clientIP
        if accessLog != nil { logRequestStarted(head) }
        // The head's END_STREAM comes as `.end` in the same read: until then a body may follow.
        // A WebSocket's stream stays open for the tunnel, and is not read until it is spliced.
        if carriesWebSocket {
            readHeld = true
            context.setAutoRead(false)
        } else {
            requestBodyProgressed()
        }
        var matched: Route?
        switch RequestDecision.decide(
            received, table: loop.routes.table, configuration: configuration, secure: secure, facts: facts, matched: &matched)
        {
        case .forward(let head, let route, let policy):
            metricsRouted(route)
            var limitSlot: ClientLimitSlot?
            if route.policy.clientLimits != nil {
                switch dataPlane.clientLimiter.admit(received, route: route, facts: facts, now: loop.now) {
                case .admitted(let slot): limitSlot = slot
                case .refused(let error):
                    answer(error)
                    return
                }
            }
            guard let pick = loop.pickEndpoint(for: route, head: head, facts: facts) else {
                answer(.noEndpoints(backend: route.backend.name))
                return
            }
            let endpoint = pick.endpoint
            let upstreamHead = UpstreamRequestHead(
                from: head, facts: facts, declaredEventStream: policy.declaredEventStream,
                forwardsUnderscoredNames: configuration.forwardsUnderscoredHeaderNames, requestID: loop.requestIDs.nextID(),
                allocator: context.channel.allocator, addedFields: route.policy.requestHeaders)
            if accessLog != nil { logRouted(route, requestID: upstreamHead.requestID) }
            let exchange = ProxiedExchange(
                client: self, upstreamHead: upstreamHead, clientVersion: received.version, backend: route.backend,
                policy: policy, upstreamTLS: loop.upstreamTLSClient(for: route.policy))
            self.exchange = exchange
            exchange.metricsRouted(exchangeMetrics)
            exchange.limitSlot = limitSlot
            exchange.loadSlot = pick.slot
            exchange.adoptSticky(pick)
            if policy.errorPages != nil {
                exchange.prepareErrorPages(
                    for: head, originalURI: received.uri, route: route, facts: facts, allocator: context.channel.allocator,
                    forwardsUnderscoredNames: configuration.forwardsUnderscoredHeaderNames)
            }
            if let auth = route.policy.basicAuth { exchange.basicAuthGate = .init(head: head, auth: auth) }
            if upstreamHead.expectsContinue, state?.requestComplete == false, let writer {
                // As over HTTP/1.1: the client waits for this before sending its body, and the
                // upstream never sees the `Expect`.
                writer.writeHead(HTTPResponseHead(version: .http2, status: .continue), answering: nil, compression: .off)
                writer.flush()
            }
            if let auth = route.policy.externalAuth {
                let (configuration, allocator) = (self.configuration, context.channel.allocator)
                exchange.authorizeThenAttempt(endpoint: endpoint, auth: auth, head: head, facts: facts) { fields in
                    UpstreamRequestHead(
                        from: head.replacingFields(fields), facts: facts, declaredEventStream: policy.declaredEventStream,
                        forwardsUnderscoredNames: configuration.forwardsUnderscoredHeaderNames,
                        requestID: String(upstreamHead.requestID), allocator: allocator)
                }
            } else {
                exchange.attempt(endpoint: endpoint, fresh: false)
            }
            // The upgrade request has no body: it ends with its head.
            if carriesWebSocket, state?.requestEndReceived() == .forward { exchange.forward(.end(nil)) }
        case .reject(let error):
            answer(error)
        case .refuse(let error, _), .respond(let error, _):
            // Counted under the route it matched (a refusal on its behalf), else as unrouted.
            if let matched { metricsRouted(matched) }
            answer(error)
        }
    }

    /// An error decided before any upstream was asked: at once (HTTP/2 needs no request end to
    /// keep the connection in step; the stream is reset after the answer if the client is still
    /// sending).
    private func answer(_ error: ProxyErrorResponse) {
        guard case .writeError(let error, _)? = state?.failed(error, requestHasNoBody: false) else { return }
        writeError(error)
    }

    /// Writes `error` as the whole response, and ends the stream: to a gRPC request as a
    /// trailers-only gRPC response (`GRPCErrorResponse`), to any other as a text page.
    func writeError(_ error: ProxyErrorResponse) {
        guard let context, let writer else { return }
        var response = error
        response.closeConnection = false
        _ = state?.responseHeadReceived(status: response.status.code, mustClose: false)
        let head = response.head(version: .http2)
        if grpcRequest {
            metricsResponseStarted(status: 200)
            if accessLog != nil { logResponseStarted(HTTPResponseHead(version: .http2, status: .ok), stream: .grpc) }
            finishResponse { writer.writeTrailersOnly(GRPCErrorResponse.headers(for: response), promise: $0) }
            return
        }
        metricsResponseStarted(status: head.status.code)
        if accessLog != nil { logResponseStarted(head) }
        writer.writeHead(head, answering: nil, compression: .off)
        if response.hasBody { writer.writeBody(response.body(allocator: context.channel.allocator)) }
        endResponse(trailers: nil)
    }

    /// Writes the response's end and flushes.
    func endResponse(trailers: HTTPHeaders?) {
        guard let writer else { return }
        finishResponse { writer.writeEnd(trailers: trailers, promise: $0) }
    }

    /// Ends the response with what `writeEnd` writes, and flushes. A client still sending its
    /// request (an early answer) has its stream reset once the end is written (RFC 9113 §8.1:
    /// `NO_ERROR` tells it to stop, the response stands).
    private func finishResponse(_ writeEnd: (EventLoopPromise<Void>?) -> Void) {
        guard let context, let writer else { return }
        flushPending = false
        requestBodyDeadline = nil
        loop.deadlines.remove(self)
        _ = state?.responseEnded()
        let logEntry = accessLog != nil ? takeLogEntry() : nil
        metricsExchangeEnded()
        defer { if let logEntry { logExchangeEnded(.complete, entry: logEntry) } }
        guard state?.requestComplete == false else {
            writeEnd(nil)
            writer.flush()
            return
        }
        let written = context.eventLoop.makePromise(of: Void.self)
        writeEnd(written)
        writer.flush()
        written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }

    /// Whether the stream may be read now: not while its upstream cannot take the upload.
    var mayRead: Bool {
        guard let exchange, state?.requestComplete == false else { return true }
        return exchange.upstream?.channel.isWritable ?? false
    }

    func resumeReading() {
        guard readHeld, mayRead, let context else { return }
        readHeld = false
        context.resumeStreamAutoRead()
    }
}

@available(*, unavailable)
extension HTTP2StreamHandler: Sendable {}

