import NIOCore
import NIOHTTP1

/// NIO's HTTP response decoder, told about requests directly instead of watching the pipeline's
/// writes. Wrapped in `ByteToMessageHandler`, a `WriteObservingByteToMessageDecoder` puts the
/// handler on the outbound path, where every request part and every `read()` pays a handler hop
/// and a dynamic cast, for the one thing the decoder needs: each request head, to know which
/// response answers a `HEAD` (no body) or a `CONNECT`. `UpstreamConnection` passes each head
/// with ``requestSent(_:)`` as it writes it, and the handler stays off the outbound path.
struct UpstreamResponseDecoder: ByteToMessageDecoder {
    typealias InboundOut = HTTPClientResponsePart

    /// A class: the copy `ByteToMessageHandler` keeps decodes with this same instance.
    private let decoder: HTTPResponseDecoder

    init() {
        decoder = HTTPResponseDecoder(leftOverBytesStrategy: .forwardBytes, informationalResponseStrategy: .forward)
    }

    /// A request went out on the connection: its response comes next, in order.
    func requestSent(_ head: HTTPRequestHead) {
        decoder.write(data: .head(head))
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        try decoder.decode(context: context, buffer: &buffer)
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        try decoder.decodeLast(context: context, buffer: &buffer, seenEOF: seenEOF)
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
