import NIOCore
import NIOHTTP1

/// The responses of one HTTP/2 stream (a `ClientResponseWriter`): `HTTPServerResponsePart`s
/// written to the stream channel from a handler's context, above swift-nio-http2's
/// `HTTP2FramePayloadToHTTP1ServerCodec`, which makes HEADERS and DATA frames of them. Each body
/// part leaves as DATA frames at the next flush; the stream's flow-control window is its
/// backpressure (the stream channel's writability), so one slow stream holds back only its own
/// upstream.
///
/// Heads come without connection-specific fields (a `ResponseHeadPlan` for `.http2` adds none,
/// and the hop-by-hop ones are dropped: RFC 9113 §8.2.2). Bodies are never relayed pre-framed
/// (HTTP/2 frames them itself) and not compressed (yet: `compression` is not done here).
final class HTTP2ResponseWriter: ClientResponseWriter {
    private let context: ChannelHandlerContext
    /// Body bytes written (header bytes are HPACK-compressed by the connection, and not known
    /// here).
    private(set) var bytesWritten = 0

    init(context: ChannelHandlerContext) {
        self.context = context
    }

    var relaysChunkedBodies: Bool { false }

    /// `method` is not needed: the codec frames a response by its stream, and a `HEAD`'s
    /// response has no body to write.
    func writeHead(_ head: HTTPResponseHead, answering method: HTTPMethod?, compression: ResponseCompression) {
        context.write(NIOAny(HTTPServerResponsePart.head(head)), promise: nil)
    }

    func writeBody(_ buffer: ByteBuffer) {
        bytesWritten &+= buffer.readableBytes
        context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(buffer))), promise: nil)
    }

    func writeEnd(trailers: HTTPHeaders?, promise: EventLoopPromise<Void>?) {
        context.write(NIOAny(HTTPServerResponsePart.end(trailers)), promise: promise)
    }

    func flush() {
        context.flush()
    }
}

@available(*, unavailable)
extension HTTP2ResponseWriter: Sendable {}
