import NIOCore
import NIOHTTP1

/// Serializes requests for upstream connections: what NIO's `HTTPRequestEncoder` does, with the
/// same framing rules, but each head written in one go (`HeadCursor`) and each chunk of a chunked
/// body as one buffer (`ChunkedFraming`). A request head goes upstream for every proxied request.
///
/// Written only directly (``writeDirect(_:promise:)``, by `UpstreamConnection`), so it is no
/// handler: `UpstreamResponseSplitter`, the connection's first handler, attaches it to its own
/// context (see `DirectlyWritableEncoder`).
///
/// Framing, as NIO's encoder does it (RFC 9112 §6):
/// - `TRACE` loses `Content-Length` and `Transfer-Encoding` (it has no body);
/// - otherwise `Content-Length` wins (and `Transfer-Encoding` goes);
/// - `POST`, `PUT` and `PATCH` without it are chunked (HTTP/1.1);
/// - any other method is chunked only when its head already says `Transfer-Encoding: chunked`
///   (`UpstreamRequestHead` restates that for a client that sent a chunked body).
final class UpstreamRequestEncoder: DirectlyWritableEncoder {
    typealias Part = HTTPClientRequestPart

    private var chunked = false
    var context: ChannelHandlerContext?
    /// Told every head this encoder writes, before it goes out (see `UpstreamResponseDecoder`).
    private let responseDecoder: UpstreamResponseDecoder?

    init(responseDecoder: UpstreamResponseDecoder? = nil) {
        self.responseDecoder = responseDecoder
    }

    func encode(_ part: HTTPClientRequestPart, context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        switch part {
        case .head(var head):
            responseDecoder?.requestSent(head)
            chunked = Self.frame(&head.headers, method: head.method, version: head.version)
            context.write(NIOAny(IOData.byteBuffer(Self.serialize(head, allocator: context.channel.allocator))), promise: promise)
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

    /// Adjusts `headers` to the framing the request body gets; true when it is chunked.
    static func frame(_ headers: inout HTTPHeaders, method: HTTPMethod, version: HTTPVersion) -> Bool {
        if method.isTRACE {
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
        let method = head.method.rawValue
        let common = head.version == .http1_1 || head.version == .http1_0
        let version = common ? nil : " HTTP/\(head.version.major).\(head.version.minor)\r\n"
        // Method, space, target, then the version with its leading space and CR LF; the blank line.
        let length = method.utf8.count + 1 + head.uri.utf8.count + (version?.utf8.count ?? 11)
            + HeadCursor.length(of: head.headers) + 2
        var buffer = allocator.buffer(capacity: length)
        buffer.writeHead(length: length) { cursor in
            cursor.append(method)
            cursor.append(" ")
            cursor.append(head.uri)
            if let version {
                cursor.append(version)
            } else {
                cursor.append(head.version == .http1_1 ? " HTTP/1.1\r\n" : " HTTP/1.0\r\n")
            }
            cursor.appendFields(head.headers)
            cursor.append("\r\n")
        }
        return buffer
    }
}

@available(*, unavailable)
extension UpstreamRequestEncoder: Sendable {}
