import NIOCore
import NIOHTTP1
import SluiceRouting

/// What the upstream side of an exchange reports to the client connection: response parts (each
/// written and flushed to the client as it arrives), writability for upload backpressure, the
/// upstream closing, and the switch to a tunnel after `101`.
extension ClientConnectionHandler: UpstreamResponseDelegate {
    var upstreamMayRead: Bool {
        context?.channel.isWritable ?? false
    }

    func upstreamWritabilityChanged(_ connection: UpstreamConnection) {
        if connection.channel.isWritable { resumeClientReads() }
    }

    func upstream(_ connection: UpstreamConnection, received part: HTTPClientResponsePart) {
        guard let exchange, exchange.upstream === connection, let context else {
            connection.close()
            return
        }
        switch part {
        case .head(let head):
            if head.status == .switchingProtocols, exchange.requestedUpgrade {
                exchange.upgradeHead = head
                exchange.responseKind = .upgrade
                return
            }
            let kind = ClientResponseHead.kind(
                of: head, declaredEventStream: exchange.declaredEventStream, requestedUpgrade: exchange.requestedUpgrade)
            exchange.responseKind = kind
            exchange.upstreamReusable = head.isKeepAlive && !exchange.requestedUpgrade
            let mustClose =
                exchange.requestedUpgrade
                || ClientResponseHead.needsCloseDelimiting(head, clientVersion: exchange.clientHead.version)
            let close = machine.responseHeadReceived(mustClose: mustClose)
            let clientHead = ClientResponseHead.make(
                from: head, kind: kind, closeClient: close, clientVersion: exchange.clientHead.version)
            context.writeAndFlush(wrapOutboundOut(.head(clientHead)), promise: nil)
            // The idle limit may have changed with the response kind: restart the timer.
            exchange.idleTimer?.cancel()
            exchange.idleTimer = nil
            touchUpstream(exchange)
            if kind == .eventStream, let cap = exchange.route.policy.maxStreamDuration {
                exchange.streamDeadline = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(cap)) {
                    [self] in
                    streamDurationReached(exchange)
                }
            }
        case .body(let buffer):
            guard exchange.upgradeHead == nil else { return }
            touchUpstream(exchange)
            context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
            observeClientBuffered(context)
        case .end(let trailers):
            if let upgradeHead = exchange.upgradeHead {
                startTunnel(exchange, connection: connection, head: upgradeHead, context: context)
                return
            }
            exchange.cancelTimers()
            exchange.upstream = nil
            self.exchange = nil
            if exchange.upstreamReusable, exchange.requestEndSent {
                pipeline.pool(for: context.eventLoop).release(connection)
            } else {
                connection.close()
            }
            if case .finishExchange(let close) = machine.responseEndReceived() {
                finish(trailers: trailers, close: close, context: context)
            }
        }
    }

    func upstreamClosed(_ connection: UpstreamConnection) {
        guard let exchange, exchange.upstream === connection else { return }
        exchange.upstream = nil
        let nothingReceived = exchange.responseKind == nil
        if nothingReceived, exchange.upstreamReused, exchange.isReplayable, exchange.attempts < 3,
            let endpoint = exchange.endpoint
        {
            // A pooled connection the upstream had already closed: replay on a fresh one.
            exchange.cancelTimers()
            exchange.pending = exchange.requestEndSent ? [.end(nil)] : []
            exchange.requestEndSent = false
            metrics.upstreamRetried()
            attempt(exchange, endpoint: endpoint, fresh: true)
            return
        }
        fail(exchange, .upstreamClosed(backend: exchange.route.backend.name))
    }

    private func streamDurationReached(_ exchange: ProxiedExchange) {
        guard self.exchange === exchange, let context else { return }
        exchange.cancelTimers()
        exchange.upstream?.close()
        exchange.upstream = nil
        self.exchange = nil
        machine.clientClosed()
        finish(trailers: nil, close: true, context: context)
    }

    // MARK: Tunnel

    private func startTunnel(
        _ exchange: ProxiedExchange, connection: UpstreamConnection, head: HTTPResponseHead,
        context: ChannelHandlerContext
    ) {
        machine.upgraded()
        exchange.cancelTimers()
        cancelClientTimer()
        self.exchange = nil
        connection.handler.delegate = nil
        metrics.tunnelOpened()
        let clientHead = ClientResponseHead.make(
            from: head, kind: .upgrade, closeClient: false, clientVersion: exchange.clientHead.version)
        context.writeAndFlush(wrapOutboundOut(.head(clientHead)), promise: nil)

        do {
            try TunnelSplice.splice(
                client: context, upstream: connection,
                idleTimeout: exchange.route.policy.streamIdleTimeout, metrics: metrics)
        } catch {
            pipeline.logger.warning("could not set up tunnel", metadata: ["error": "\(error)"])
            connection.channel.close(promise: nil)
            context.close(promise: nil)
        }
    }
}
