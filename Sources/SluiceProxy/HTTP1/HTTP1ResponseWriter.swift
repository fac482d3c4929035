import NIOCore
import NIOHTTP1

/// The responses of one HTTP/1 client connection (`ClientConnectionHandler`'s
/// `ClientResponseWriter`), and the one place that knows how each reaches the socket:
/// - straight into the connection's encoder from its own place (`ClientResponseEncoder.
///   writeDirect`), past the handlers in between;
/// - a compressed response's body through its `ResponseBodyCompressor` first, then the same way
///   (its head rewritten by its `ResponseCompression`);
/// - a relayed event stream's head and body as bytes (``writeRelayedHead(_:)``,
///   ``writeRelayed(_:)``), framed as the upstream framed them.
///
/// A value held by the handler (no allocation per connection; an idle stream holds less). Its
/// writes are `mutating` so that they run in place on the handler's stored writer: a
/// non-mutating call copies the value, retaining and releasing what it refers to, which cost
/// about 200 instructions per relayed event (measured with `bench/instructions.py`).
struct HTTP1ResponseWriter: ClientResponseWriter {
    let encoder: ClientResponseEncoder
    /// The body of the response being written is compressed through this (nil: it is not).
    private var compressor: ResponseBodyCompressor?

    init(encoder: ClientResponseEncoder) {
        self.encoder = encoder
    }

    /// The connection's handler left the pipeline: nothing is written any more, and a compressor
    /// left over from a response cut short frees its zlib state now.
    mutating func detach() {
        compressor = nil
        encoder.detach()
    }

    /// The decoder is leaving the pipeline (the connection becomes a tunnel): the encoder, which
    /// writes from its place, can no longer.
    mutating func decoderLeaving() {
        encoder.detach()
    }

    var relaysChunkedBodies: Bool { true }
    var bytesWritten: Int { encoder.bytesWritten }
    /// A relayed body is being written (``writeRelayed(_:)`` writes raw bytes).
    var isRelaying: Bool { encoder.isRelaying }

    mutating func writeHead(_ head: HTTPResponseHead, answering method: HTTPMethod?, compression: ResponseCompression) {
        assert(compressor == nil, "a response head while a compressed body is unfinished")
        encoder.requestMethod = method
        if case .off = compression {
            encoder.writeDirect(.head(head))
            return
        }
        var head = head
        compression.prepare(&head.headers)
        // A `HEAD`'s response has no body to compress.
        if case .compress(let coding) = compression, method?.isHEAD != true {
            compressor = ResponseBodyCompressor(coding: coding)
        }
        encoder.writeDirect(.head(head))
    }

    /// Writes the head of a relayed event stream, serialized by its `ResponseHeadPlan`
    /// (`ClientResponseHead.serializeRelayed`, `ChunkedResponseHead.serializedForClient`).
    mutating func writeRelayedHead(_ bytes: ByteBuffer) {
        encoder.writeRelayedHead(bytes)
    }

    mutating func writeBody(_ buffer: ByteBuffer) {
        guard let compressor else {
            encoder.writeDirect(.body(.byteBuffer(buffer)))
            return
        }
        compressor.compress(buffer)
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
        if let compressor {
            self.compressor = nil
            if let rest = compressor.finish() {
                encoder.writeDirect(.body(.byteBuffer(rest)))
            }
        }
        encoder.writeDirect(.end(trailers), promise: promise)
    }

    /// Flushes the connection, with what a compressed body has so far (`Z_SYNC_FLUSH`: the client
    /// can inflate every byte it was sent).
    mutating func flush() {
        if let compressed = compressor?.flush() {
            encoder.writeDirect(.body(.byteBuffer(compressed)))
        }
        encoder.flushDirect()
    }
}

@available(*, unavailable)
extension HTTP1ResponseWriter: Sendable {}
