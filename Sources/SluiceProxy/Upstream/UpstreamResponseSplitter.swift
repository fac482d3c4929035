import NIOCore
import NIOHTTP1

/// The first inbound handler of an upstream connection, in front of the HTTP response decoder:
/// lets the chunked body of an event stream bypass the decoder, so that the client gets the
/// upstream's chunks as they were framed, without each event being decoded into a body part and
/// framed again (`ClientResponseEncoder`). Relaying costs the proxy less CPU per event and adds
/// less delay to it than decoding and re-encoding.
///
/// After a request goes out (``expectResponse(_:)``, with the exchange's `RelayPlan`) the handler
/// looks for the end of the response head. A head that mentions `event-stream`, an interim head,
/// or any head when the route declares the path a stream, is cut at its end. A final head the
/// plan relays (parsed here, `ChunkedResponseHead`) is handed to the response handler and its
/// body relayed: the decoder never hears of that response, and the bytes go to the response
/// handler unparsed, checked by a `ChunkedBodyScanner` up to the end of the body; then the
/// response ends (`.end`, from here) and the connection may serve another request. Bytes the
/// upstream sent after the body are dropped, and the connection is closed (nothing was asked for
/// them). Every other head, and everything of any other response, goes to the decoder as it
/// arrived. An interim head is parsed here too when it can be (`InterimResponseHead`), so that
/// the final head after it may still be relayed.
final class UpstreamResponseSplitter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private enum Mode {
        case passThrough
        case awaitingHead(ResponseHeadBoundary, RelayPlan)
        case relaying(ChunkedBodyScanner)
        /// The relayed body broke its framing: nothing more is taken from this connection.
        case failed
    }

    private var mode = Mode.passThrough
    /// Receives relayed bytes: the connection's response handler.
    private var target: UpstreamResponseHandler?
    private var context: ChannelHandlerContext?
    /// The decoder behind this handler, told when a response bypasses it.
    private let decoder: UpstreamResponseDecoder
    /// The connection's request encoder: it writes from this handler's place, next to the
    /// channel, while the handler is in the pipeline.
    let encoder: UpstreamRequestEncoder

    init(target: UpstreamResponseHandler, decoder: UpstreamResponseDecoder, encoder: UpstreamRequestEncoder) {
        self.target = target
        self.decoder = decoder
        self.encoder = encoder
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        encoder.attach(to: context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        self.target = nil
        encoder.detach()
    }

    /// A request was written: its response head is looked for, and its body relayed if `plan`
    /// says so.
    func expectResponse(_ plan: RelayPlan) {
        if case .passThrough = mode {
            mode = .awaitingHead(ResponseHeadBoundary(), plan)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        while self.context != nil {
            switch mode {
            case .passThrough:
                context.fireChannelRead(wrapInboundOut(buffer))
                return
            case .failed:
                return
            case .relaying(var scanner):
                let progress = buffer.withUnsafeReadableBytes { scanner.scan($0) }
                mode = .relaying(scanner)
                relay(buffer, progress, context: context)
                return
            case .awaitingHead(var boundary, let plan):
                if plan.clientAcceptsEventStream || plan.declaredEventStream, boundary.isAtStart,
                    let parsed = relayedHead(at: buffer, plan)
                {
                    // What the scan below would have cut and parsed, in one pass.
                    buffer.moveReaderIndex(forwardBy: parsed.bytes.readableBytes)
                    startRelay(parsed, plan)
                    if buffer.readableBytes == 0 { return }
                    continue
                }
                let scan = buffer.withUnsafeReadableBytes { boundary.scan($0) }
                guard case .ends(let headBytes, let mentions) = scan else {
                    mode = .awaitingHead(boundary, plan)
                    context.fireChannelRead(wrapInboundOut(buffer))
                    return
                }
                // An interim (1xx) head is cut too, so that the final one after it can be.
                let interim = Self.isInterim(buffer)
                guard plan.declaredEventStream || mentions || interim, let head = buffer.readSlice(length: headBytes) else {
                    mode = .passThrough
                    context.fireChannelRead(wrapInboundOut(buffer))
                    return
                }
                if interim, let parsed = InterimResponseHead.parse(head) {
                    // Past the decoder, which then may still be bypassed for the final head.
                    mode = .awaitingHead(ResponseHeadBoundary(), plan)
                    target?.interimParsed(parsed)
                } else if !interim, decoder.mayBypass, let parsed = ChunkedResponseHead.parse(head), plan.relays(parsed) {
                    startRelay(parsed, plan)
                } else {
                    mode = interim ? .awaitingHead(ResponseHeadBoundary(), plan) : .passThrough
                    context.fireChannelRead(wrapInboundOut(head))
                }
                if buffer.readableBytes == 0 { return }
            }
        }
    }

    /// The body after `head` is relayed: the decoder never hears of this response, and the
    /// response handler gets the head parsed here.
    private func startRelay(_ head: ChunkedResponseHead, _ plan: RelayPlan) {
        decoder.bypass()
        mode = .relaying(ChunkedBodyScanner(maxTrailerBytes: plan.maxTrailerBytes))
        target?.relayStarted(head)
    }

    /// The head `buffer` starts with, when it is whole there and `plan` relays its body: the
    /// common start of an event stream, parsed without the byte-by-byte boundary scan first.
    /// Any other head goes through the scan.
    private func relayedHead(at buffer: ByteBuffer, _ plan: RelayPlan) -> ChunkedResponseHead? {
        guard decoder.mayBypass, let parsed = ChunkedResponseHead.parsePrefix(of: buffer), plan.relays(parsed) else {
            return nil
        }
        return parsed
    }

    /// While relaying, the end of a read goes straight to the response handler: the decoder
    /// behind this handler saw nothing of it.
    func channelReadComplete(context: ChannelHandlerContext) {
        guard case .relaying = mode, let target else {
            context.fireChannelReadComplete()
            return
        }
        target.relayReadComplete()
    }

    private func relay(_ buffer: ByteBuffer, _ progress: ChunkedBodyScanner.Progress, context: ChannelHandlerContext) {
        guard let target else { return }
        switch progress {
        case .needsMore:
            if buffer.readableBytes > 0 { target.relayed(buffer) }
        case .ended(let consumed):
            mode = .passThrough
            if consumed > 0, let body = buffer.getSlice(at: buffer.readerIndex, length: consumed) {
                target.relayed(body)
            }
            if consumed < buffer.readableBytes { target.relayOverran() }
            target.relayEnded()
        case .failed(let failure):
            mode = .failed
            target.relayFailed(failure)
        }
    }

    /// A `1xx` head other than `101` starts these bytes ("HTTP/1.1 1xx").
    private static func isInterim(_ head: ByteBuffer) -> Bool {
        guard let status = head.getBytes(at: head.readerIndex + 9, length: 3) else { return false }
        return status[0] == UInt8(ascii: "1") && status != Array("101".utf8)
    }
}

@available(*, unavailable)
extension UpstreamResponseSplitter: Sendable {}
