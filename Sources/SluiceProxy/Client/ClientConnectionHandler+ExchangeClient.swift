import NIOCore
import NIOHTTP1

/// The HTTP/1 connection as the client end of its exchanges: responses through its
/// `HTTP1ResponseWriter`, written as they come and flushed once per upstream read burst; how an
/// exchange ends is the connection machine's to decide (keep-alive, pipelining, lingering close).
extension ClientConnectionHandler: ExchangeClient {
    var isOpen: Bool { context != nil }
    var relaysChunkedBodies: Bool { writer.relaysChunkedBodies }

    func responseHeadStarts(status: HTTPResponseStatus, mustClose: Bool) -> Bool {
        let close = machine.responseHeadReceived(status: status.code, mustClose: mustClose)
        if machine.awaitsRequestBody, !machine.forwardsRequestBody {
            exchange?.uploadRefused()
            resumeClientReads()
        }
        return close
    }

    func writeResponseHead(_ head: HTTPResponseHead, compression: ResponseCompression) {
        let interim = head.status.code < 200 && head.status != .switchingProtocols
        writeResponseHead(head, answering: interim ? nil : machine.exchange?.method, compression: compression)
        clientFlushPending = true
    }

    func writeRelayedHead(_ head: ChunkedResponseHead, plan: ResponseHeadPlan) {
        clientFlushPending = true
        guard let context else { return }
        // Nil when a `Connection` field names other fields: the general serializer drops them.
        let allocator = context.channel.allocator
        let clientHead =
            head.serializedForClient(plan: plan, allocator: allocator)
            ?? ClientResponseHead.serializeRelayed(head.head, plan: plan, allocator: allocator)
        writer.writeRelayedHead(clientHead)
        metricsResponseStarted(status: head.head.status.code)
        if accessLog != nil { logResponseStarted(head.head, stream: .sse) }
    }

    func writeResponseBody(_ buffer: ByteBuffer) {
        writer.writeBody(buffer)
        clientFlushPending = true
    }

    func writeRelayed(_ bytes: ByteBuffer) {
        writer.writeRelayed(bytes)
        clientFlushPending = true
    }

    func flushResponse() -> Bool {
        guard clientFlushPending, context != nil else { return false }
        clientFlushPending = false
        writer.flush()
        return true
    }

    var responseIsWritable: Bool { context?.channel.isWritable ?? true }

    var responseBufferedBytes: Int {
        (try? context?.channel.syncOptions?.getOption(ChannelOptions.bufferedWritableBytes)) ?? 0
    }

    func responseEnded(_ exchange: ProxiedExchange, trailers: HTTPHeaders?) {
        if self.exchange === exchange { self.exchange = nil }
        guard let context else { return }
        if case .finishExchange(let then) = machine.responseEndReceived() {
            finish(trailers: trailers, then: then, context: context)
        } else {
            _ = flushResponse()
        }
    }

    func exchangeFailed(_ exchange: ProxiedExchange, _ error: ProxyErrorResponse) {
        fail(exchange, error)
    }

    func exchangeCut(_ exchange: ProxiedExchange) {
        if self.exchange === exchange { endUpstream() }
        perform(machine.exchangeCut())
    }

    func requestMayFlow() {
        resumeClientReads()
    }

    func exchangeDeadlinesChanged() {
        rearmTimer()
    }
}
