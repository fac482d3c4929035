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
final class HTTP2StreamHandler: ChannelInboundHandler {
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

    /// The connection came over TLS.
    private let secure: Bool

    /// The client a load balancer's PROXY header named (nil: the connection's peer).
    private let proxiedClient: ProxiedClient?

    init(dataPlane: ProxyDataPlane, loop: ProxyLoopContext, secure: Bool, proxiedClient: ProxiedClient? = nil) {
        self.dataPlane = dataPlane
        self.secure = secure
        self.proxiedClient = proxiedClient
        self.loop = loop
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
            guard state?.requestBodyReceived() == .forward else { return }
            exchange?.forward(.body(.byteBuffer(buffer)))
        case .end(let trailers):
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
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        loop.deadlines.remove(self)
        if let exchange {
            exchange.closeUpstream()
            self.exchange = nil
        }
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, let exchange { exchange.clientBecameWritable() }
        context.fireChannelWritabilityChanged()
    }

    private func start(_ received: HTTPRequestHead, context: ChannelHandlerContext) {
        loop.metrics.requestReceived()
        state = ExchangeStateMachine(method: received.method, closeAfter: false)
        let parent = context.channel.parent
        let facts = ClientConnectionFacts(
            clientIP: proxiedClient?.text ?? parent?.remoteAddress?.clientIPText, localPort: parent?.localAddress?.port,
            proto: secure ? "https" : configuration.forwardedProto,
            clientAddress: proxiedClient?.address ?? parent?.remoteAddress?.clientIPAddress,
            trustedProxies: configuration.trustedProxies)
        switch RequestDecision.decide(received, table: loop.routes.table, configuration: configuration, secure: secure, facts: facts) {
        case .forward(let head, let route, let policy):
            guard let endpoint = loop.balancer.next(for: route.backend) else {
                answer(.noEndpoints(backend: route.backend.name))
                return
            }
            let upstreamHead = UpstreamRequestHead(
                from: head, facts: facts, declaredEventStream: policy.declaredEventStream,
                forwardsUnderscoredNames: configuration.forwardsUnderscoredHeaderNames, requestID: loop.requestIDs.nextID(),
                allocator: context.channel.allocator)
            let exchange = ProxiedExchange(
                client: self, upstreamHead: upstreamHead, clientVersion: received.version, backend: route.backend,
                policy: policy, upstreamTLS: loop.upstreamTLSClient(for: route.policy))
            self.exchange = exchange
            exchange.attempt(endpoint: endpoint, fresh: false)
        case .reject(let error), .refuse(let error, _), .respond(let error, _):
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

    /// Writes `error` as the whole response, and ends the stream.
    func writeError(_ error: ProxyErrorResponse) {
        guard let context, let writer else { return }
        var response = error
        response.closeConnection = false
        _ = state?.responseHeadReceived(status: response.status.code, mustClose: false)
        writer.writeHead(response.head(version: .http2), answering: nil, compression: .off)
        writer.writeBody(response.body(allocator: context.channel.allocator))
        endResponse(trailers: nil)
    }

    /// Writes the response's end and flushes. A client still sending its request (an early
    /// answer) has its stream reset once the end is written (RFC 9113 §8.1: `NO_ERROR` tells it
    /// to stop, the response stands).
    func endResponse(trailers: HTTPHeaders?) {
        guard let context, let writer else { return }
        flushPending = false
        loop.deadlines.remove(self)
        _ = state?.responseEnded()
        guard state?.requestComplete == false else {
            writer.writeEnd(trailers: trailers, promise: nil)
            writer.flush()
            return
        }
        let written = context.eventLoop.makePromise(of: Void.self)
        writer.writeEnd(trailers: trailers, promise: written)
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
        context.setAutoRead(true)
    }
}

@available(*, unavailable)
extension HTTP2StreamHandler: Sendable {}
