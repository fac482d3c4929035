import NIOCore
import NIOHTTP1

/// What the connection machine's actions do (`HTTP1ConnectionStateMachine.Action`): write an
/// error, finish a response and close or wait for the next request, close the client. The one
/// place responses are ended.
extension ClientConnectionHandler {
    func perform(_ action: HTTP1ConnectionStateMachine.Action) {
        guard let context else { return }
        switch action {
        case .none:
            break
        case .writeError(let error, let method, let then):
            writeError(error, answering: method, then: then, context: context)
        case .finishExchange(let then):
            finish(trailers: nil, then: then, context: context)
        case .closeClient(let lingering):
            let logEntry = accessLog != nil ? takeLogEntry() : nil
            metricsExchangeEnded(cut: true)
            if clientFlushPending { context.flush() }
            if let logEntry { logExchangeEnded(.cut, entry: logEntry) }
            if lingering {
                // A response cut while the client uploads (the upstream failed mid-response):
                // the client sees it end, not a reset.
                closeConnection(after: context.eventLoop.makeSucceededVoidFuture(), clientMaySend: true, context: context)
            } else {
                context.close(promise: nil)
            }
        }
    }

    private func writeError(
        _ error: ProxyErrorResponse, answering method: HTTPMethod?, then: HTTP1ConnectionStateMachine.AfterResponse,
        context: ChannelHandlerContext
    ) {
        var response = error
        response.closeConnection = then != .awaitNextRequest
        writeResponseHead(response.head(), answering: method)
        if response.hasBody { writer.writeBody(response.body(allocator: context.channel.allocator)) }
        finish(trailers: nil, then: then, context: context)
    }

    /// Writes a response head (see `HTTP1ResponseWriter.writeHead`), and notes a final one in the
    /// access log.
    func writeResponseHead(_ head: HTTPResponseHead, answering method: HTTPMethod?, compression: ResponseCompression = .off) {
        if head.status.code >= 200 || head.status == .switchingProtocols {
            metricsResponseStarted(status: head.status.code)
            if accessLog != nil { logResponseStarted(head) }
        }
        writer.writeHead(head, answering: method, compression: compression)
    }

    /// Writes the end of the response, then closes (lingering if `then` says so) or waits for the
    /// next request.
    func finish(trailers: HTTPHeaders?, then: HTTP1ConnectionStateMachine.AfterResponse, context: ChannelHandlerContext) {
        clientFlushPending = false
        let logEntry = accessLog != nil ? takeLogEntry() : nil
        metricsExchangeEnded()
        if then != .awaitNextRequest {
            let written = context.eventLoop.makePromise(of: Void.self)
            writer.writeEnd(trailers: trailers, promise: written)
            context.flush()
            if let logEntry { logExchangeEnded(.complete, entry: logEntry) }
            closeConnection(after: written.futureResult, clientMaySend: then == .closeLingering, context: context)
        } else {
            writer.writeEnd(trailers: trailers, promise: nil)
            writer.flush()
            if let logEntry { logExchangeEnded(.complete, entry: logEntry) }
            awaitNextRequest()
        }
    }
}
