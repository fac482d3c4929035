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
/// (HTTP/2 frames them itself); a compressed body goes through its `ResponseBodyCompressor`, as
/// over HTTP/1.1 (`HTTP1ResponseWriter`), sync-flushed at each flush.
final class HTTP2ResponseWriter: ClientResponseWriter {
    private let context: ChannelHandlerContext
    /// Body bytes written (header bytes are HPACK-compressed by the connection, and not known
    /// here).
    private(set) var bytesWritten = 0
    /// The body of the response being written is compressed through this (nil: it is not).
    private var compressor: ResponseBodyCompressor?

    init(context: ChannelHandlerContext) {
        self.context = context
    }

    var relaysChunkedBodies: Bool { false }

    /// `method` says whether the response has a body to compress (not a `HEAD`'s); the codec
    /// frames a response by its stream.
    func writeHead(_ head: HTTPResponseHead, answering method: HTTPMethod?, compression: ResponseCompression) {
        guard case .off = compression else {
            var head = head
            compression.prepare(&head.headers)
            if case .compress(let coding) = compression, method?.isHEAD != true {
                compressor = ResponseBodyCompressor(coding: coding)
            }
            context.write(NIOAny(HTTPServerResponsePart.head(head)), promise: nil)
            return
        }
        context.write(NIOAny(HTTPServerResponsePart.head(head)), promise: nil)
    }

    func writeBody(_ buffer: ByteBuffer) {
        if let compressor {
            compressor.compress(buffer)
            return
        }
        write(buffer)
    }

    func writeEnd(trailers: HTTPHeaders?, promise: EventLoopPromise<Void>?) {
        if let compressor {
            self.compressor = nil
            if let rest = compressor.finish() { write(rest) }
        }
        context.write(NIOAny(HTTPServerResponsePart.end(trailers)), promise: promise)
    }

    func flush() {
        if let compressed = compressor?.flush() { write(compressed) }
        context.flush()
    }

    private func write(_ buffer: ByteBuffer) {
        bytesWritten &+= buffer.readableBytes
        context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(buffer))), promise: nil)
    }
}

@available(*, unavailable)
extension HTTP2ResponseWriter: Sendable {}
