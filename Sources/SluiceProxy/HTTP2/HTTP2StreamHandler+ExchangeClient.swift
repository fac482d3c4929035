import NIOCore
import NIOHTTP1

/// The HTTP/2 stream as the client end of its exchange: the response as HEADERS and DATA frames
/// (`HTTP2ResponseWriter`), flushed once per upstream read burst; an exchange that cannot end
/// with its response's end resets the stream.
extension HTTP2StreamHandler: ExchangeClient {
    var isOpen: Bool { context != nil }
    /// HTTP/2 frames bodies itself: the exchange has chunked bodies decoded (`RelayPlan.allowed`).
    var relaysChunkedBodies: Bool { false }

    /// A stream carries one exchange: nothing closes after it but the stream itself.
    func responseHeadStarts(status: HTTPResponseStatus, mustClose: Bool) -> Bool {
        _ = state?.responseHeadReceived(status: status.code, mustClose: mustClose)
        if state?.bodyRefused == true {
            exchange?.uploadRefused()
            resumeReading()
        }
        return false
    }

    func writeResponseHead(_ head: HTTPResponseHead, compression: ResponseCompression) {
        if head.status.code >= 200 {
            metricsResponseStarted(status: head.status.code)
            if accessLog != nil { logResponseStarted(head) }
        }
        writer?.writeHead(head, answering: state?.method, compression: compression)
        flushPending = true
    }

    /// Never asked: the exchange's `RelayPlan` does not relay for a writer that frames bodies
    /// itself (``relaysChunkedBodies``). Were it asked, the stream is reset rather than sent a
    /// body in HTTP/1 framing.
    func writeRelayedHead(_ head: ChunkedResponseHead, plan: ResponseHeadPlan) {
        assertionFailure("an HTTP/2 stream was handed a relayed body")
        if let exchange { exchangeCut(exchange) }
    }

    func writeResponseBody(_ buffer: ByteBuffer) {
        writer?.writeBody(buffer)
        flushPending = true
    }

    /// Never asked (see ``writeRelayedHead(_:plan:)``).
    func writeRelayed(_ bytes: ByteBuffer) {
        assertionFailure("an HTTP/2 stream was handed relayed bytes")
        if let exchange { exchangeCut(exchange) }
    }

    func flushResponse() -> Bool {
        guard flushPending, let writer else { return false }
        flushPending = false
        writer.flush()
        return true
    }

    var responseIsWritable: Bool { context?.channel.isWritable ?? true }

    /// Not known per stream (swift-nio-http2 does not say how much a stream holds): a stalled
    /// stream is judged by its writability alone (`ProxiedExchange.clientStall`).
    var responseBufferedBytes: Int { 0 }

    func responseEnded(_ exchange: ProxiedExchange, trailers: HTTPHeaders?) {
        if self.exchange === exchange { self.exchange = nil }
        endResponse(trailers: trailers)
    }

    func exchangeFailed(_ exchange: ProxiedExchange, _ error: ProxyErrorResponse) {
        exchange.closeUpstream()
        if self.exchange === exchange { self.exchange = nil }
        switch state?.failed(error, requestHasNoBody: false) {
        case .writeError(let error, _)?: writeError(error)
        case .cut?: resetStream()
        case .deferred?, nil: break
        }
    }

    /// The stream is reset: its client sees the response cut short, the connection's other
    /// streams go on.
    func exchangeCut(_ exchange: ProxiedExchange) {
        exchange.closeUpstream()
        if self.exchange === exchange { self.exchange = nil }
        resetStream()
    }

    /// Ends the stream without its response's end (RST_STREAM), logged as cut.
    func resetStream() {
        loop.deadlines.remove(self)
        requestBodyDeadline = nil
        if accessLog != nil { logExchangeEnded(.cut) }
        metricsExchangeEnded(cut: true)
        context?.close(promise: nil)
    }

    /// The upstream accepted the WebSocket of an extended CONNECT (the only HTTP/2 request that
    /// asks to upgrade, see `WebSocketOverHTTP2`): the client gets `200`, and the stream and the
    /// upstream connection become a tunnel.
    func upgraded(_ exchange: ProxiedExchange, connection: UpstreamConnection, head: HTTPResponseHead) {
        guard let context, let writer, carriesWebSocket else {
            connection.close()
            exchangeCut(exchange)
            return
        }
        loop.deadlines.remove(self)
        self.exchange = nil
        if let holds = exchange.tunnelHolds {
            // The tunnel holds the request's places (under its client's in-flight cap, among its
            // endpoint's requests in flight) until it closes.
            context.channel.closeFuture.whenComplete { _ in withExtendedLifetime(holds) {} }
        }
        connection.handler.delegate = nil
        loop.metrics.tunnelOpened()
        let clientHead = WebSocketOverHTTP2.clientResponse(to: head, plan: exchange.headPlan(kind: .ordinary, closeClient: false, status: .ok))
        if accessLog != nil { logResponseStarted(clientHead, stream: .websocket) }
        writer.writeHead(clientHead, answering: nil, compression: .off)
        writer.flush()
        flushPending = false
        let tunnelLog = accessLog != nil ? takeTunnelLogEntry() : nil
        metricsResponseStarted(status: clientHead.status.code)
        metricsExchangeEnded()
        do {
            try TunnelSplice.splice(
                stream: context, upstream: connection,
                idleTimeout: exchange.policy.idleTimeout(for: .upgrade), maxDuration: exchange.policy.lifetimeCap(for: .upgrade),
                wheel: loop.deadlines, metrics: loop.metrics, accessLog: tunnelLog, streamMetrics: exchange.webSocketStreamOpened())
        } catch {
            dataPlane.logger.warning("could not set up WebSocket tunnel", metadata: ["error": "\(error)"])
            connection.channel.close(promise: nil)
            context.close(promise: nil)
        }
    }

    func requestMayFlow() {
        resumeReading()
    }

    func exchangeDeadlinesChanged() {
        rearmTimer()
    }
}
