import NIOCore
import NIOHTTP1

/// Writes requests to upstream connections: each head as serialized by `UpstreamRequestHead`,
/// and each chunk of a chunked body as one buffer (`ChunkedFraming`), where NIO's
/// `HTTPRequestEncoder` would write the same bytes in several.
///
/// Written only directly (``writeDirect(_:promise:)``, by `UpstreamConnection`), so it is no
/// handler: `UpstreamResponseSplitter`, the connection's first handler, attaches it to its own
/// context (see `DirectlyWritableEncoder`).
final class UpstreamRequestEncoder: DirectlyWritableEncoder {
    typealias Part = UpstreamRequestPart

    private var chunked = false
    var context: ChannelHandlerContext?
    /// Told every head this encoder writes, before it goes out (see `UpstreamResponseDecoder`).
    private let responseDecoder: UpstreamResponseDecoder?

    init(responseDecoder: UpstreamResponseDecoder? = nil) {
        self.responseDecoder = responseDecoder
    }

    func encode(_ part: UpstreamRequestPart, context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        switch part {
        case .head(let head):
            responseDecoder?.requestSent(head.method)
            chunked = head.chunkedBody
            context.write(NIOAny(IOData.byteBuffer(head.bytes)), promise: promise)
        case .body(let part):
            if chunked {
                ChunkedFraming.writeChunk(part, context: context, promise: promise)
            } else {
                context.write(NIOAny(part), promise: promise)
            }
        case .end(let trailers):
            if chunked {
                chunked = false
                ChunkedFraming.writeEnd(trailers: trailers, context: context, promise: promise)
            } else {
                ChunkedFraming.writeNothing(context: context, promise: promise)
            }
        }
    }
}

@available(*, unavailable)
extension UpstreamRequestEncoder: Sendable {}
