import NIOCore
import NIOHTTP1

/// The responses of one HTTP/1 client connection (`ClientConnectionHandler`'s
/// `ClientResponseWriter`), and the one place that knows how each reaches the socket:
/// - with no compressor in the pipeline, straight into the connection's encoder from its own
///   place (`ClientResponseEncoder.writeDirect`), past the handlers in between;
/// - with one, through the pipeline from the handler's context, the compressor told per head
///   whether it may compress (`ResponseCompression`), and heads that answer no request it saw
///   written past it;
/// - a relayed event stream's head and body as bytes (``writeRelayedHead(_:)``,
///   ``writeRelayed(_:)``), framed as the upstream framed them.
///
/// A value held by the handler (no allocation per connection; an idle stream holds less). Its
/// writes are `mutating` so that they run in place on the handler's stored writer: a
/// non-mutating call copies the value, retaining and releasing what it refers to, which cost
/// about 200 instructions per relayed event (measured with `bench/instructions.py`).
struct HTTP1ResponseWriter: ClientResponseWriter {
    let encoder: ClientResponseEncoder
    /// Present when the connection has a response compressor (see `ResponseCompression`).
    let compression: ResponseCompression?
    /// The handler's context: writes through the pipeline start there.
    private var context: ChannelHandlerContext?

    init(encoder: ClientResponseEncoder, compression: ResponseCompression?) {
        self.encoder = encoder
        self.compression = compression
    }

    /// The handler whose context writes through the pipeline start from joined (nil: left).
    mutating func attach(_ context: ChannelHandlerContext?) {
        self.context = context
        if context == nil {
            compression?.bypass = nil
            if compression == nil { encoder.detach() }
        }
    }

    /// The decoder is leaving the pipeline (the connection becomes a tunnel): the encoder, which
    /// writes from its place, can no longer.
    mutating func decoderLeaving() {
        if compression == nil { encoder.detach() }
    }

    var relaysChunkedBodies: Bool { true }
    var compresses: Bool { compression != nil }
    var bytesWritten: Int { encoder.bytesWritten }
    /// A relayed body is being written (``writeRelayed(_:)`` writes raw bytes).
    var isRelaying: Bool { encoder.isRelaying }

    /// A request head came from the decoder, as the compressor saw it: the head as the client
    /// sent it (the compressor was shown a canonical `Accept-Encoding`, see
    /// `AcceptEncodingCanonicalizer`). `replayed`: a queued head handled again, already counted.
    mutating func requestHeadDecoded(_ head: HTTPRequestHead, replayed: Bool) -> HTTPRequestHead {
        guard let compression, !replayed else { return head }
        compression.unansweredRequests += 1
        return compression.clientHeads.popFirst() ?? head
    }

    mutating func writeHead(_ head: HTTPResponseHead, answering method: HTTPMethod?, compress: Bool) {
        writeHead(head, answering: method, compress: compress, chunkedBodyRelayed: false)
    }

    /// `writeHead`, for a head whose body will be relayed as the upstream chunked it
    /// (``writeRelayed(_:)``) when `chunkedBodyRelayed`.
    mutating func writeHead(_ head: HTTPResponseHead, answering method: HTTPMethod?, compress: Bool, chunkedBodyRelayed: Bool) {
        encoder.requestMethod = method
        encoder.nextBodyIsChunked = chunkedBodyRelayed
        guard let compression, let context else {
            encoder.writeDirect(.head(head))
            return
        }
        let interim = head.status.code < 200 && head.status != .switchingProtocols
        if !interim, compression.unansweredRequests > 0 {
            compression.unansweredRequests -= 1
            compression.compressNext = compress
            context.write(NIOAny(HTTPServerResponsePart.head(head)), promise: nil)
        } else {
            (compression.bypass ?? context).write(NIOAny(HTTPServerResponsePart.head(head)), promise: nil)
        }
    }

    /// Writes the head of a relayed event stream, serialized by its `ResponseHeadPlan`
    /// (`ClientResponseHead.serializeRelayed`, `ChunkedResponseHead.serializedForClient`). Only
    /// with no compressor in the way.
    mutating func writeRelayedHead(_ bytes: ByteBuffer) {
        precondition(compression == nil, "a head serialized here would pass the compressor unseen")
        encoder.writeRelayedHead(bytes)
    }

    mutating func writeBody(_ buffer: ByteBuffer) {
        write(.body(.byteBuffer(buffer)), promise: nil)
    }

    /// Bytes of a body relayed as the upstream chunked it: as they are while the encoder relays
    /// (``isRelaying``), else as a body part.
    mutating func writeRelayed(_ bytes: ByteBuffer) {
        if encoder.isRelaying {
            encoder.writeRelayed(bytes)
        } else {
            writeBody(bytes)
        }
    }

    mutating func writeEnd(trailers: HTTPHeaders?, promise: EventLoopPromise<Void>?) {
        write(.end(trailers), promise: promise)
    }

    /// Flushes from the encoder's place when nothing in between holds bytes (no compressor, or a
    /// relayed body, never compressed), else through the pipeline.
    mutating func flush() {
        if compression == nil || encoder.isRelaying {
            encoder.flushDirect()
        } else {
            context?.flush()
        }
    }

    private mutating func write(_ part: HTTPServerResponsePart, promise: EventLoopPromise<Void>?) {
        if compression == nil {
            encoder.writeDirect(part, promise: promise)
        } else {
            context?.write(NIOAny(part), promise: promise)
        }
    }
}

@available(*, unavailable)
extension HTTP1ResponseWriter: Sendable {}
