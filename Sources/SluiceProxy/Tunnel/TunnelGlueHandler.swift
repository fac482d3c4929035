import NIOCore

/// One end of a byte tunnel between two channels (an upgraded client connection and its upstream
/// connection), after swift-nio-examples' connect-proxy `GlueHandler`.
///
/// Bytes read on one channel are written to the partner and flushed at the end of each read
/// burst. Backpressure: `read()` passes only while the partner is writable and resumes on the
/// partner's writability change. A half-close (EOF on one side) becomes `close(mode: .output)` on
/// the other; a full close closes both, and so does a time limit (`TunnelDeadlines`, which
/// every read touches).
final class TunnelGlueHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var partner: TunnelGlueHandler?
    private var context: ChannelHandlerContext?
    private var pendingRead = false
    private let side: Side
    private let deadlines: TunnelDeadlines
    /// The client end counts the client connection's close (``takeOverClientConnectionCount()``).
    private var countsClientClose = false
    private let metrics: ProxyMetricsShard
    /// On the client end: the exchange's access log entry, written when the client channel closes.
    private var accessLog: TunnelAccessLogEntry?
    /// Bytes written to this end's channel.
    private var bytesWritten = 0

    private enum Side {
        case client
        case upstream
    }

    private init(side: Side, metrics: ProxyMetricsShard, deadlines: TunnelDeadlines) {
        self.side = side
        self.metrics = metrics
        self.deadlines = deadlines
    }

    /// The client end counts the client connection's close from now on: the connection handler,
    /// which counted it until now, is leaving the pipeline.
    func takeOverClientConnectionCount() {
        countsClientClose = true
    }

    /// Two glued ends: the first goes on the client channel, the second on the upstream channel.
    static func matchedPair(
        metrics: ProxyMetricsShard, deadlines: TunnelDeadlines, accessLog: TunnelAccessLogEntry?
    ) -> (client: TunnelGlueHandler, upstream: TunnelGlueHandler) {
        let client = TunnelGlueHandler(side: .client, metrics: metrics, deadlines: deadlines)
        client.accessLog = accessLog
        let upstream = TunnelGlueHandler(side: .upstream, metrics: metrics, deadlines: deadlines)
        client.partner = upstream
        upstream.partner = client
        return (client, upstream)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        self.partner = nil
    }

    // MARK: Partner calls

    private func partnerWrite(_ data: ByteBuffer) {
        bytesWritten &+= data.readableBytes
        context?.write(wrapOutboundOut(data), promise: nil)
    }

    /// Flushes this end's channel. The bytes it holds are looked up only when it stopped taking
    /// them (the most it holds is reached then), not on every flush.
    private func partnerFlush() {
        guard let context else { return }
        context.flush()
        guard !context.channel.isWritable,
            let buffered = try? context.channel.syncOptions?.getOption(ChannelOptions.bufferedWritableBytes)
        else { return }
        switch side {
        case .client: metrics.observeClientBuffered(buffered)
        case .upstream: metrics.observeUpstreamBuffered(buffered)
        }
    }

    private func partnerWriteEOF() {
        context?.close(mode: .output, promise: nil)
    }

    private func partnerCloseFull() {
        context?.close(promise: nil)
    }

    private func partnerBecameWritable() {
        if pendingRead {
            pendingRead = false
            context?.read()
        }
    }

    private var partnerWritable: Bool {
        context?.channel.isWritable ?? false
    }

    /// How the stream ended when this side finished first.
    private var endReason: StreamEndReason {
        side == .client ? .clientGone : .upstreamEnd
    }

    // MARK: Channel events

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        deadlines.touch()
        partner?.partnerWrite(unwrapInboundIn(data))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        partner?.partnerFlush()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if countsClientClose {
            countsClientClose = false
            metrics.clientConnectionClosed()
        }
        if var entry = accessLog {
            accessLog = nil
            entry.write(tunnelBytes: bytesWritten, now: context.eventLoop.now)
        }
        deadlines.streamEnded(endReason)
        deadlines.endClosed(afterWriting: bytesWritten, toClient: side == .client)
        deadlines.stop()
        partner?.partnerCloseFull()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let channelEvent = event as? ChannelEvent, case .inputClosed = channelEvent {
            deadlines.sideFinished(endReason)
            partner?.partnerWriteEOF()
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            partner?.partnerBecameWritable()
        }
        context.fireChannelWritabilityChanged()
    }

    func read(context: ChannelHandlerContext) {
        if let partner, partner.partnerWritable {
            context.read()
        } else {
            if !pendingRead {
                switch side {
                case .client: metrics.clientReadPaused()
                case .upstream: metrics.upstreamReadPaused()
                }
            }
            pendingRead = true
        }
    }
}

@available(*, unavailable)
extension TunnelGlueHandler: Sendable {}
