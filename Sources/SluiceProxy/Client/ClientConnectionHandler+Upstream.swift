import NIOCore
import NIOHTTP1
import SluiceRouting

/// What the upstream side of an exchange reports to the client connection: response parts
/// (written as they arrive and flushed at the end of each upstream read burst), writability for
/// upload backpressure, the upstream closing, and the switch to a tunnel after `101`.
extension ClientConnectionHandler: UpstreamResponseDelegate {
    func upstreamWritabilityChanged(_ connection: UpstreamConnection) {
        guard connection.channel.isWritable else { return }
        exchange?.sendStall = nil
        resumeClientReads()
    }

    func upstream(_ connection: UpstreamConnection, received part: HTTPClientResponsePart) {
        guard let exchange, exchange.upstream === connection, let context else {
            connection.close()
            return
        }
        switch part {
        case .head(let head) where head.status.code < 200 && head.status != .switchingProtocols:
            forwardInterim(head, for: exchange, context: context)
        case .head(let head):
            if head.status == .switchingProtocols {
                guard exchange.requestedUpgrade else {
                    // Relayed, it would leave the client reading the new protocol's bytes as HTTP.
                    dataPlane.logger.warning(
                        "upstream switched protocols on a request that did not ask to upgrade",
                        metadata: ["backend": "\(exchange.backend.name)"])
                    fail(exchange, .upstreamInvalidResponse(backend: exchange.backend.name))
                    return
                }
                exchange.upgradeHead = head
                exchange.responseStarted(kind: .upgrade)
                return
            }
            let kind = ClientResponseHead.kind(
                of: head, declaredEventStream: exchange.policy.declaredEventStream, requestedUpgrade: exchange.requestedUpgrade)
            exchange.responseStarted(kind: kind)
            exchange.upstreamReusable = head.isKeepAlive && !exchange.requestedUpgrade
            let compress = exchange.policy.compresses(
                head, kind: kind, headRequest: exchange.headRequest, clientVersion: exchange.clientVersion)
            // A compressor is only set up on connections opened while some route compresses. One
            // opened before a table turned compression on answers uncompressed and closes, as an
            // nginx reload closes its old workers' keep-alive connections: the client's next
            // connection has the compressor.
            let mustClose =
                exchange.requestedUpgrade
                || ClientResponseHead.needsCloseDelimiting(head, clientVersion: exchange.clientVersion)
                || (compress && !writer.compresses)
            let close = responseHeadStarts(exchange, status: head.status, mustClose: mustClose)
            var clientHead = ClientResponseHead.make(from: head, plan: exchange.headPlan(kind: kind, closeClient: close))
            if compress, !writer.compresses {
                // Answered uncompressed for want of a compressor (see `mustClose`).
                ResponseCompression.prepare(&clientHead.headers, compressed: false)
            } else if exchange.headRequest,
                exchange.policy.compresses(head, kind: kind, headRequest: false, clientVersion: exchange.clientVersion)
            {
                ResponseCompression.prepareHeadResponse(
                    &clientHead.headers, coding: writer.compresses ? exchange.codingForHead : nil)
            }
            writeResponseHead(clientHead, answering: machine.exchange?.method, compress: compress)
            responseHeadWritten(kind: kind, exchange)
        case .body(let buffer):
            guard exchange.upgradeHead == nil else { return }
            exchange.lastUpstreamActivity = loop.now
            writer.writeBody(buffer)
            clientFlushPending = true
        case .end(let trailers):
            if let upgradeHead = exchange.upgradeHead {
                startTunnel(exchange, connection: connection, head: upgradeHead, context: context)
                return
            }
            exchange.upstream = nil
            self.exchange = nil
            if exchange.upstreamReusable, exchange.requestEndSent {
                loop.pool.release(connection)
            } else {
                connection.close()
            }
            if case .finishExchange(let then) = machine.responseEndReceived() {
                finish(trailers: trailers, then: then, context: context)
            } else if clientFlushPending {
                clientFlushPending = false
                writer.flush()
            }
        }
    }

    /// An event stream whose body the splitter relays as the upstream chunked it (its
    /// `RelayPlan`, made in `upstreamReady`, decided): the head goes to the client, from the
    /// upstream's bytes when no compressor is in the way, and the body follows as
    /// ``upstream(_:relayed:)``.
    func upstream(_ connection: UpstreamConnection, relayStarted head: ChunkedResponseHead) {
        guard let exchange, exchange.upstream === connection, let context else {
            connection.close()
            return
        }
        exchange.responseStarted(kind: .eventStream)
        exchange.upstreamReusable = head.upstreamKeepsAlive
        metrics.eventStreamRelayed()
        let plan = exchange.headPlan(kind: .eventStream, closeClient: responseHeadStarts(exchange, status: head.status, mustClose: false))
        if writer.compresses {
            // Through the pipeline, where the compressor pairs it with its request (and leaves it
            // as it is: event streams are never compressed).
            writeResponseHead(
                ClientResponseHead.make(from: head.head, plan: plan), answering: machine.exchange?.method, compress: false,
                chunkedBodyRelayed: true)
        } else {
            // Nil when a `Connection` field names other fields: the general serializer drops them.
            let clientHead =
                head.serializedForClient(plan: plan, allocator: context.channel.allocator)
                ?? ClientResponseHead.serializeRelayed(head.head, plan: plan, allocator: context.channel.allocator)
            writer.writeRelayedHead(clientHead)
            if accessLog != nil { logResponseStarted(status: head.status) }
        }
        responseHeadWritten(kind: .eventStream, exchange)
    }

    /// A response head is about to be written, decoded or relayed: returns whether the connection
    /// closes after it (the connection machine decides). An upload the head refuses (an error
    /// before the body's end) is dropped from here, and stops waiting for the upstream to take it.
    private func responseHeadStarts(_ exchange: ProxiedExchange, status: HTTPResponseStatus, mustClose: Bool) -> Bool {
        let close = machine.responseHeadReceived(status: status.code, mustClose: mustClose)
        if machine.awaitsRequestBody, !machine.forwardsRequestBody {
            exchange.sendStall = nil
            resumeClientReads()
        }
        return close
    }

    /// After a response head went to the client: flushed at the end of the read, the stream's
    /// duration cap armed, and the idle limit reset (it may have changed with the kind).
    private func responseHeadWritten(kind: ResponseKind, _ exchange: ProxiedExchange) {
        clientFlushPending = true
        if kind == .eventStream, let cap = exchange.policy.lifetimeCap(for: kind) {
            exchange.streamDeadline = loop.now + cap
        }
        touchUpstream(exchange)
    }

    func upstream(_ connection: UpstreamConnection, relayed bytes: ByteBuffer) {
        guard let exchange, exchange.upstream === connection, context != nil else {
            connection.close()
            return
        }
        exchange.lastUpstreamActivity = loop.now
        writer.writeRelayed(bytes)
        clientFlushPending = true
    }

    func upstreamRelayOverran(_ connection: UpstreamConnection) {
        guard let exchange, exchange.upstream === connection else { return }
        exchange.upstreamReusable = false
    }

    func upstream(_ connection: UpstreamConnection, relayFailed failure: ChunkedBodyScanner.Failure) {
        guard let exchange, exchange.upstream === connection else {
            connection.close()
            return
        }
        dataPlane.logger.warning(
            "upstream broke the chunked framing of an event stream; closing the stream",
            metadata: ["backend": "\(exchange.backend.name)", "error": "\(failure)"])
        fail(exchange, .upstreamClosed(backend: exchange.backend.name))
    }

    /// An interim (1xx) response other than `101` (`103 Early Hints`, `102 Processing`, ...) is
    /// forwarded without its hop-by-hop fields, as RFC 9110 §15.2 asks of a proxy, to HTTP/1.1
    /// clients; an HTTP/1.0 client gets none (it would take one for the final response). A
    /// `100 Continue` is not: the proxy answered the client's `Expect` itself.
    private func forwardInterim(_ head: HTTPResponseHead, for exchange: ProxiedExchange, context: ChannelHandlerContext) {
        touchUpstream(exchange)
        guard head.status != .continue, (exchange.clientVersion.major, exchange.clientVersion.minor) >= (1, 1) else {
            return
        }
        let interim = HTTPResponseHead(
            version: exchange.clientVersion, status: ClientResponseHead.interimStatus(head.status),
            headers: HopByHopHeaders.removing(from: head.headers))
        writeResponseHead(interim, answering: nil, compress: false)
        clientFlushPending = true
    }

    func upstreamReadComplete(_ connection: UpstreamConnection) {
        guard clientFlushPending, let context else { return }
        clientFlushPending = false
        writer.flush()
        guard !context.channel.isWritable else { return }
        let buffered = clientBufferedBytes ?? 0
        metrics.observeClientBuffered(buffered)
        guard !clientMayBuffer(buffered) else { return }
        connection.handler.pauseReading()
        if let exchange, exchange.clientStall == nil {
            // From here the client has `clientSendTimeout` to take some of what it was sent.
            exchange.clientStall = (since: loop.now, buffered: buffered)
            rearmTimer()
        }
    }

    /// Bytes written to the client connection and not yet taken by its socket.
    var clientBufferedBytes: Int? {
        try? context?.channel.syncOptions?.getOption(ChannelOptions.bufferedWritableBytes)
    }

    /// Whether the upstream may still be read while the client is not writable: only for an
    /// ordinary response on a buffering route, up to `maxBufferedResponseBytes` held for the
    /// client (nginx's `proxy_buffering on`: the upstream finishes early and its connection goes
    /// back to the pool).
    private func clientMayBuffer(_ buffered: Int) -> Bool {
        guard let exchange else { return false }
        return exchange.policy.buffersForSlowClient(
            kind: exchange.responseKind, buffered: buffered, limit: configuration.maxBufferedResponseBytes)
    }

    func upstreamClosed(_ connection: UpstreamConnection) {
        guard let exchange, exchange.upstream === connection else { return }
        exchange.upstream = nil
        if clientFlushPending, let context {
            clientFlushPending = false
            context.flush()
        }
        let nothingReceived = exchange.responseKind == nil
        if nothingReceived, exchange.upstreamReused, exchange.isReplayable, exchange.attempts < 3,
            let endpoint = exchange.endpoint
        {
            // A pooled connection the upstream had already closed: replay on a fresh one.
            exchange.pending = exchange.requestEndSent ? [.end(nil)] : []
            exchange.requestEndSent = false
            metrics.upstreamRetried()
            attempt(exchange, endpoint: endpoint, fresh: true)
            return
        }
        fail(exchange, .upstreamClosed(backend: exchange.backend.name))
    }

    // MARK: Tunnel

    private func startTunnel(
        _ exchange: ProxiedExchange, connection: UpstreamConnection, head: HTTPResponseHead,
        context: ChannelHandlerContext
    ) {
        let method = machine.exchange?.method
        machine.upgraded()
        cancelTimer()
        self.exchange = nil
        connection.handler.delegate = nil
        metrics.tunnelOpened()
        let clientHead = ClientResponseHead.make(from: head, plan: exchange.headPlan(kind: .upgrade, closeClient: false))
        clientFlushPending = false
        writeResponseHead(clientHead, answering: method, compress: false)
        context.flush()
        let tunnelLog = accessLog != nil ? takeTunnelLogEntry() : nil
        // The splice removes the decoder, whose place an attached encoder writes from.
        writer.decoderLeaving()

        do {
            // A tunnel is a stream too: `max-stream-duration` caps its whole life.
            try TunnelSplice.splice(
                client: context, upstream: connection,
                idleTimeout: exchange.policy.idleTimeout(for: .upgrade), maxDuration: exchange.policy.lifetimeCap(for: .upgrade),
                wheel: loop.deadlines, metrics: metrics, accessLog: tunnelLog)
        } catch {
            dataPlane.logger.warning("could not set up tunnel", metadata: ["error": "\(error)"])
            connection.channel.close(promise: nil)
            context.close(promise: nil)
        }
    }
}
