import NIOCore
import NIOHTTP1

/// Where an exchange's response goes: the client connection's protocol behind one interface.
/// `HTTP1ResponseWriter` writes to an HTTP/1.1 connection (with the raw relay of chunked event
/// streams and the direct encoders the benchmark justified, and compression behind it);
/// `HTTP2ResponseWriter` writes `HTTPServerResponsePart`s to an HTTP/2 stream channel (through
/// `HTTP2FramePayloadToHTTP1ServerCodec`).
///
/// Heads arrive made by a `ResponseHeadPlan` for the writer's protocol: the writer frames them,
/// it does not edit them. Writes are `mutating`, so that a value writer is written in place (see
/// `HTTP1ResponseWriter`).
protocol ClientResponseWriter {
    /// Whether a chunked upstream body may be written as the upstream framed it (HTTP/1 only):
    /// when false, the exchange has the body decoded and writes it with ``writeBody(_:)``.
    var relaysChunkedBodies: Bool { get }
    /// Bytes written to the client so far, framing included (the access log's `bytes_sent`).
    var bytesWritten: Int { get }

    /// Writes a response head, interim or final. `method`: the method of the request a final
    /// head answers (its framing depends on it), nil for none. `compression`: what compression
    /// does to the response (`ExchangePolicy` decides; the writer rewrites the head and
    /// compresses the body).
    mutating func writeHead(_ head: HTTPResponseHead, answering method: HTTPMethod?, compression: ResponseCompression)
    mutating func writeBody(_ buffer: ByteBuffer)
    /// Writes the response's end; `promise` completes once it is written.
    mutating func writeEnd(trailers: HTTPHeaders?, promise: EventLoopPromise<Void>?)
    mutating func flush()
}
