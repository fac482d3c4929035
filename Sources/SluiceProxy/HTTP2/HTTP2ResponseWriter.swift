import NIOCore
import NIOHPACK
import NIOHTTP1
import NIOHTTP2

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
///
/// A final head is held until the next write or flush: a response that ends right after its head
/// (no body, no trailers) leaves as one HEADERS frame that ends the stream. That is how a gRPC
/// upstream's trailers-only response (`grpc-status` in the only header block) must reach a gRPC
/// client (a head, then an empty DATA frame to end the stream, is an error to it); other
/// bodiless responses save a frame. Likewise the last body part is held until the next write or
/// flush, so that a response whose end comes before the flush ends on its last DATA frame
/// instead of an empty one (the codec writes the end as a frame of its own).
final class HTTP2ResponseWriter: ClientResponseWriter {
    private let context: ChannelHandlerContext
    /// Body bytes written (header bytes are HPACK-compressed by the connection, and not known
    /// here).
    private(set) var bytesWritten = 0
    /// The body of the response being written is compressed through this (nil: it is not).
    private var compressor: ResponseBodyCompressor?
    /// A final head not written yet (see the type's comment).
    private var pendingHead: HTTPResponseHead?
    /// A body part not written yet (see the type's comment).
    private var pendingBody: ByteBuffer?
    private var foundCodec: ChannelHandlerContext?

    init(context: ChannelHandlerContext) {
        self.context = context
    }

    var relaysChunkedBodies: Bool { false }

    /// `method` says whether the response has a body to compress (not a `HEAD`'s); the codec
    /// frames a response by its stream.
    func writeHead(_ head: HTTPResponseHead, answering method: HTTPMethod?, compression: ResponseCompression) {
        writePendingHead()
        var head = head
        if case .off = compression {} else { compression.prepare(&head.headers) }
        if case .compress(let coding) = compression, method?.isHEAD != true {
            compressor = ResponseBodyCompressor(coding: coding)
        }
        if head.status.code >= 200 {
            pendingHead = head
        } else {
            context.write(NIOAny(HTTPServerResponsePart.head(head)), promise: nil)
        }
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
        if trailers == nil, let body = pendingBody {
            pendingBody = nil
            writePendingHead()
            writeEndingData(body, promise: promise)
            return
        }
        if trailers == nil, let head = pendingHead {
            pendingHead = nil
            var fields: [(String, String)] = [(":status", String(head.status.code))]
            for field in HPACKHeaders(httpHeaders: head.headers, normalizeHTTPHeaders: true) {
                fields.append((field.name, field.value))
            }
            writeEndingHeaders(HPACKHeaders(fields), promise: promise)
            return
        }
        writePending()
        context.write(NIOAny(HTTPServerResponsePart.end(trailers)), promise: promise)
    }

    /// Writes a whole response as one HEADERS frame that ends the stream (gRPC's trailers-only
    /// response): `fields` with `:status` first.
    func writeTrailersOnly(_ fields: HPACKHeaders, promise: EventLoopPromise<Void>?) {
        writePending()
        writeEndingHeaders(fields, promise: promise)
    }

    func flush() {
        if let compressed = compressor?.flush() { write(compressed) }
        writePending()
        context.flush()
    }

    private func write(_ buffer: ByteBuffer) {
        writePending()
        bytesWritten &+= buffer.readableBytes
        pendingBody = buffer
    }

    /// Writes what is held: the head, then the body part.
    private func writePending() {
        writePendingHead()
        guard let body = pendingBody else { return }
        pendingBody = nil
        context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(body))), promise: nil)
    }

    private func writePendingHead() {
        guard let head = pendingHead else { return }
        pendingHead = nil
        context.write(NIOAny(HTTPServerResponsePart.head(head)), promise: nil)
    }

    /// The codec's place in the stream's pipeline, found once.
    private var codecContext: ChannelHandlerContext? {
        if let found = foundCodec { return found }
        foundCodec = try? context.pipeline.syncOperations.context(handlerType: HTTP2FramePayloadToHTTP1ServerCodec.self)
        return foundCodec
    }

    /// The last body part as a DATA frame that ends the stream, from the codec's place (see
    /// ``writeEndingHeaders(_:promise:)``).
    private func writeEndingData(_ body: ByteBuffer, promise: EventLoopPromise<Void>?) {
        guard let codec = codecContext else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        codec.write(NIOAny(HTTP2Frame.FramePayload.data(.init(data: .byteBuffer(body), endStream: true))), promise: promise)
    }

    /// The codec cannot make a HEADERS frame that ends the stream (it ends a response with an
    /// empty DATA frame), so the frame is written from the codec's place, past it; nothing is
    /// written on the stream after it.
    private func writeEndingHeaders(_ fields: HPACKHeaders, promise: EventLoopPromise<Void>?) {
        guard let codec = codecContext else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        codec.write(NIOAny(HTTP2Frame.FramePayload.headers(.init(headers: fields, endStream: true))), promise: promise)
    }
}

@available(*, unavailable)
extension HTTP2ResponseWriter: Sendable {}
