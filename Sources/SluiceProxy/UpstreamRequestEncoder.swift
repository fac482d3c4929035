import NIOCore
import NIOHTTP1

/// Serializes requests for upstream connections: what NIO's `HTTPRequestEncoder` does, with the
/// same framing rules, but each head field written in one go and each chunk of a chunked body as
/// one buffer (`ChunkedFraming`). A request head goes upstream for every proxied request.
///
/// Framing, as NIO's encoder does it (RFC 9112 §6):
/// - `TRACE` loses `Content-Length` and `Transfer-Encoding` (it has no body);
/// - otherwise `Content-Length` wins (and `Transfer-Encoding` goes);
/// - `POST`, `PUT` and `PATCH` without it are chunked (HTTP/1.1);
/// - any other method is chunked only when its head already says `Transfer-Encoding: chunked`
///   (`UpstreamRequestHead` restates that for a client that sent a chunked body).
final class UpstreamRequestEncoder: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = IOData

    private var chunked = false

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head):
            chunked = Self.frame(&head.headers, method: head.method, version: head.version)
            context.write(wrapOutboundOut(.byteBuffer(Self.serialize(head, allocator: context.channel.allocator))), promise: promise)
        case .body(let part):
            if chunked {
                ChunkedFraming.writeChunk(part, context: context, promise: promise)
            } else {
                context.write(wrapOutboundOut(part), promise: promise)
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

    /// Adjusts `headers` to the framing the request body gets; true when it is chunked.
    static func frame(_ headers: inout HTTPHeaders, method: HTTPMethod, version: HTTPVersion) -> Bool {
        if method == .TRACE {
            headers.remove(name: "content-length")
            headers.remove(name: "transfer-encoding")
            return false
        }
        if headers.contains(name: "content-length") {
            headers.remove(name: "transfer-encoding")
            return false
        }
        guard (version.major, version.minor) >= (1, 1) else { return false }
        switch method {
        case .POST, .PUT, .PATCH:
            headers.replaceOrAdd(name: "transfer-encoding", value: "chunked")
            return true
        default:
            return headers.first(name: "transfer-encoding") == "chunked"
        }
    }

    /// The request line, the fields and the blank line.
    static func serialize(_ head: HTTPRequestHead, allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 256)
        buffer.writeString(head.method.rawValue)
        buffer.writeStaticString(" ")
        buffer.writeString(head.uri)
        switch head.version {
        case .http1_1: buffer.writeStaticString(" HTTP/1.1\r\n")
        case .http1_0: buffer.writeStaticString(" HTTP/1.0\r\n")
        default:
            buffer.writeStaticString(" HTTP/")
            buffer.writeString(String(head.version.major))
            buffer.writeStaticString(".")
            buffer.writeString(String(head.version.minor))
            buffer.writeStaticString("\r\n")
        }
        ChunkedFraming.writeFields(head.headers, to: &buffer)
        buffer.writeStaticString("\r\n")
        return buffer
    }
}

@available(*, unavailable)
extension UpstreamRequestEncoder: Sendable {}
