import NIOCore
import NIOHTTP1

/// NIO's HTTP response decoder, told about requests directly instead of watching the pipeline's
/// writes. Wrapped in `ByteToMessageHandler`, a `WriteObservingByteToMessageDecoder` puts the
/// handler on the outbound path, where every request part and every `read()` pays a handler hop
/// and a dynamic cast, for the one thing the decoder needs: each request's method, to know which
/// response answers a `HEAD` (no body) or a `CONNECT`. `UpstreamConnection` passes each method
/// with ``requestSent(_:)`` as it writes the head, and the handler stays off the outbound path.
/// NIO's decoder takes whole request heads but reads only their method: it is given one of three
/// heads built once (`GET`, `HEAD`, `CONNECT`) that answer the same.
///
/// NIO's decoder hears of a request only when bytes of a response are about to reach it, so that
/// `UpstreamResponseSplitter` may parse an event stream's head itself and relay its body
/// (``bypass()``): then the decoder never hears of that request at all, and is ready for the
/// next response.
struct UpstreamResponseDecoder: ByteToMessageDecoder {
    typealias InboundOut = HTTPClientResponsePart

    /// Classes: the copy `ByteToMessageHandler` keeps decodes with these same instances, and so
    /// do the encoder's and the splitter's.
    private let decoder: HTTPResponseDecoder
    private let unforwarded: PendingRequests

    /// Request heads written but not yet passed to NIO's decoder, oldest first.
    private final class PendingRequests {
        var heads: [HTTPRequestHead] = []
    }

    init() {
        decoder = HTTPResponseDecoder(leftOverBytesStrategy: .forwardBytes, informationalResponseStrategy: .forward)
        unforwarded = PendingRequests()
    }

    /// A request went out on the connection: its response comes next, in order.
    func requestSent(_ method: HTTPMethod) {
        let head: HTTPRequestHead
        switch method {
        case .HEAD: head = RequestHeads.head
        case .CONNECT: head = RequestHeads.connect
        default: head = RequestHeads.other
        }
        unforwarded.heads.append(head)
    }

    /// Heads standing for requests whose response NIO's decoder frames alike.
    private enum RequestHeads {
        static let head = HTTPRequestHead(version: .http1_1, method: .HEAD, uri: "/")
        static let connect = HTTPRequestHead(version: .http1_1, method: .CONNECT, uri: "/")
        static let other = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/")
    }

    /// No byte of the response to the oldest request has reached NIO's decoder yet: that
    /// response may be parsed elsewhere (``bypass()``).
    var mayBypass: Bool { !unforwarded.heads.isEmpty }

    /// The response to the oldest request is parsed elsewhere; NIO's decoder never hears of that
    /// request. Only while ``mayBypass``.
    func bypass() {
        unforwarded.heads.removeFirst()
    }

    private func forwardRequests() {
        guard !unforwarded.heads.isEmpty else { return }
        for head in unforwarded.heads { decoder.write(data: .head(head)) }
        unforwarded.heads.removeAll(keepingCapacity: true)
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        forwardRequests()
        return try decoder.decode(context: context, buffer: &buffer)
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        forwardRequests()
        return try decoder.decodeLast(context: context, buffer: &buffer, seenEOF: seenEOF)
    }

    mutating func decoderAdded(context: ChannelHandlerContext) {
        decoder.decoderAdded(context: context)
    }

    mutating func decoderRemoved(context: ChannelHandlerContext) {
        decoder.decoderRemoved(context: context)
    }

    mutating func shouldReclaimBytes(buffer: ByteBuffer) -> Bool {
        decoder.shouldReclaimBytes(buffer: buffer)
    }
}
