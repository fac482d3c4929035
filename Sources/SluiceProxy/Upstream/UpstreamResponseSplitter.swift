import NIOCore
import NIOHTTP1

/// The first inbound handler of an upstream connection, in front of the HTTP response decoder:
/// lets the chunked body of an event stream bypass the decoder, so that the client gets the
/// upstream's chunks as they were framed, without each event being decoded into a body part and
/// framed again (`ClientResponseEncoder`). Relaying costs the proxy less CPU per event and adds
/// less delay to it than decoding and re-encoding.
///
/// After a request goes out (``expectResponse(cutAlways:)``) the handler looks for the end of the
/// response head. A head that mentions `event-stream`, an interim head, or any head when the
/// route declares the path a stream, is cut at its end. A final head with a chunked body is
/// parsed here (`ChunkedResponseHead`) and handed to the response handler; any other is handed
/// to the decoder alone. While either parsed head is being handled ``isAtHeadEnd`` is true, and
/// the exchange may choose to relay the body (``relayBody(maxTrailerBytes:)``). Relayed bytes
/// then go to the response handler unparsed, checked by a `ChunkedBodyScanner` up to the end of
/// the body; then the response ends (`.end`, from here when the decoder never saw the head, or
/// from the decoder, fed a terminating chunk of its own to end the message it saw the head of),
/// and the connection may serve another request. Bytes the upstream sent after the body are
/// dropped, and the connection is closed (nothing was asked for them). Any other response passes
/// through untouched, in the reads it arrived in.
final class UpstreamResponseSplitter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private enum Mode {
        case passThrough
        /// `onePass`: try `eventStreamHead` first (the response is likely an event stream).
        case awaitingHead(ResponseHeadBoundary, cutAlways: Bool, onePass: Bool)
        case relaying(ChunkedBodyScanner)
        /// The relayed body broke its framing: nothing more is taken from this connection.
        case failed
    }

    private var mode = Mode.passThrough
    /// A head this handler cut at its end is being handled (parsed here or by the decoder): no
    /// byte after it has reached the decoder, so the body may bypass it.
    private(set) var isAtHeadEnd = false
    /// Receives relayed bytes: the connection's response handler.
    private var target: UpstreamResponseHandler?
    private var context: ChannelHandlerContext?
    /// The decoder behind this handler, told when a response bypasses it.
    private let decoder: UpstreamResponseDecoder
    /// The connection's request encoder: it writes from this handler's place, next to the
    /// channel, while the handler is in the pipeline.
    let encoder: UpstreamRequestEncoder
    /// The response being relayed was parsed here (`ChunkedResponseHead`): the decoder has not
    /// seen it, and its end is delivered from here.
    private var bypassing = false

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

    /// A request was written: its response head is looked for. `cutAlways`: cut it even when it
    /// does not mention `event-stream` (the route declares the path a stream).
    /// `clientAcceptsEventStream`: the request's `Accept` lists `text/event-stream`, so the head
    /// is likely one `eventStreamHead` parses in one pass (tried first only then: on any other
    /// response the attempt is wasted work).
    func expectResponse(cutAlways: Bool, clientAcceptsEventStream: Bool) {
        if case .passThrough = mode {
            mode = .awaitingHead(ResponseHeadBoundary(), cutAlways: cutAlways, onePass: cutAlways || clientAcceptsEventStream)
        }
    }

    /// Relays the body of the response whose head the decoder is parsing. Only while
    /// ``isAtHeadEnd``.
    func relayBody(maxTrailerBytes: Int) {
        precondition(isAtHeadEnd, "a body can bypass the decoder only from the end of a head cut there")
        mode = .relaying(ChunkedBodyScanner(maxTrailerBytes: maxTrailerBytes))
    }

    enum RelayProgress {
        /// What was relayed so far ends between two chunks.
        case betweenChunks
        case insideChunk
    }

    /// Where the body being relayed stands; nil when no body is being relayed.
    var relayProgress: RelayProgress? {
        guard case .relaying(let scanner) = mode else { return nil }
        return scanner.isAtChunkBoundary ? .betweenChunks : .insideChunk
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
            case .awaitingHead(var boundary, let cutAlways, let onePass):
                if onePass, boundary.isAtStart, let parsed = eventStreamHead(at: buffer, cutAlways: cutAlways) {
                    // What the scan below would have cut and `bypass` parsed, in one pass.
                    mode = .passThrough
                    buffer.moveReaderIndex(forwardBy: parsed.bytes.readableBytes)
                    handOver(parsed.bytes, parsed: parsed, interim: false, context: context)
                    if buffer.readableBytes == 0 { return }
                    continue
                }
                let scan = buffer.withUnsafeReadableBytes { boundary.scan($0) }
                guard case .ends(let headBytes, let mentions) = scan else {
                    mode = .awaitingHead(boundary, cutAlways: cutAlways, onePass: onePass)
                    context.fireChannelRead(wrapInboundOut(buffer))
                    return
                }
                // An interim (1xx) head is cut too, so that the final one after it can be.
                let interim = Self.isInterim(buffer)
                guard cutAlways || mentions || interim, let head = buffer.readSlice(length: headBytes) else {
                    mode = .passThrough
                    context.fireChannelRead(wrapInboundOut(buffer))
                    return
                }
                mode = interim ? .awaitingHead(ResponseHeadBoundary(), cutAlways: cutAlways, onePass: onePass) : .passThrough
                handOver(head, parsed: nil, interim: interim, context: context)
                if buffer.readableBytes == 0 { return }
            }
        }
    }

    /// A head cut at its end goes to the response handler past the decoder (`bypass`), or to the
    /// decoder; meanwhile ``isAtHeadEnd`` is true. `parsed`: the head, when already parsed.
    private func handOver(_ head: ByteBuffer, parsed: ChunkedResponseHead?, interim: Bool, context: ChannelHandlerContext) {
        isAtHeadEnd = true
        if interim || !bypass(head, parsed: parsed) {
            context.fireChannelRead(wrapInboundOut(head))
        }
        isAtHeadEnd = false
    }

    /// Parses `head` here and hands it to the response handler, when it is a chunked final head
    /// (`ChunkedResponseHead`) and no byte of its response reached the decoder. The exchange
    /// then relays the body (it does for every event stream), and the decoder never hears of the
    /// response. Returns false when `head` must go to the decoder: not such a head, or an
    /// exchange that did not relay its body (then the decoder parses it after all, and the
    /// response handler drops the head it already has).
    private func bypass(_ head: ByteBuffer, parsed alreadyParsed: ChunkedResponseHead?) -> Bool {
        guard let target, decoder.mayBypass, let parsed = alreadyParsed ?? ChunkedResponseHead.parse(head)
        else { return false }
        let request = decoder.bypass()
        target.headParsedBeforeDecoder(parsed)
        if case .relaying = mode {
            bypassing = true
            return true
        }
        guard self.context != nil, case .passThrough = mode else { return true }
        decoder.restore(request)
        target.dropNextDecodedHead()
        return false
    }

    /// The head `buffer` starts with, when it is whole there, would be cut (the route declares
    /// a stream, or its `Content-Type` is `text/event-stream`) and is a chunked final head
    /// (`ChunkedResponseHead`), and the decoder may be bypassed: the common start of an event
    /// stream, parsed without the byte-by-byte boundary scan first. Any other head, or one that
    /// mentions `event-stream` elsewhere, goes through the scan as before.
    private func eventStreamHead(at buffer: ByteBuffer, cutAlways: Bool) -> ChunkedResponseHead? {
        guard decoder.mayBypass, let parsed = ChunkedResponseHead.parsePrefix(of: buffer), cutAlways || parsed.declaresEventStream
        else { return nil }
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
            if bypassing {
                // The decoder never saw this response: its end is delivered from here.
                bypassing = false
                target.bodyEndedPastDecoder()
                return
            }
            // The decoder still expects the body whose head it parsed: a terminating chunk ends
            // that message, and the response ends the usual way (`.end`, the connection back to
            // the pool), with the decoder ready for the next response.
            context.fireChannelRead(wrapInboundOut(context.channel.allocator.buffer(staticString: "0\r\n\r\n")))
        case .failed(let failure):
            mode = .failed
            bypassing = false
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
