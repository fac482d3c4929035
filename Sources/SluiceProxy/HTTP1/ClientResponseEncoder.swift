import NIOCore
import NIOHTTP1

/// Serializes responses for the client connection: what NIO's `HTTPResponseEncoder` does, with
/// the same framing rules, but with each body part of a chunked response written as one buffer
/// (`ChunkedFraming`) and each head in one go (`HeadCursor`). Event streams are made of small parts,
/// so this is on the per-event path.
///
/// Framing, as NIO and RFC 9112 §6 do it:
/// - a response that cannot have a body (1xx, 204, 304; any response to `CONNECT`) loses
///   `Content-Length` and `Transfer-Encoding`;
/// - otherwise `Content-Length` wins (and `Transfer-Encoding` goes); an HTTP/1.1 response without
///   it is chunked; an HTTP/1.0 response without it is delimited by the close (the handler asks
///   for that close);
/// - a response to `HEAD` keeps the headers a `GET` would get, and no body is written.
///
/// The request method comes from `ClientConnectionHandler` (``requestMethod``), set before it
/// writes a response head.
final class ClientResponseEncoder: DirectlyWritableEncoder, ChannelOutboundHandler, RemovableChannelHandler {
    typealias Part = HTTPServerResponsePart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = IOData

    /// The method of the request the next final head answers (nil: unknown, e.g. a request that
    /// could not be parsed; treated as a method whose response has a body).
    var requestMethod: HTTPMethod?
    private var chunked = false
    private var bodySuppressed = false
    /// The response being written has a relayed body, framed as the upstream chunked it (its
    /// head came by ``writeRelayedHead(_:)``): ``writeRelayed(_:)`` may be used until its end,
    /// and the end writes nothing.
    private(set) var isRelaying = false
    /// Bytes of heads and bodies written so far on this connection, chunk framing included (as
    /// nginx's `$bytes_sent`), for the access log.
    private(set) var bytesWritten = 0
    var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// Writes the head of a response whose body is relayed, serialized by the caller
    /// (`ClientResponseHead.serializeRelayed`): the body that follows is relayed as it comes
    /// (``isRelaying``). Only from the encoder's own place (nothing, once it left the pipeline).
    func writeRelayedHead(_ bytes: ByteBuffer) {
        requestMethod = nil
        bodySuppressed = false
        chunked = false
        isRelaying = true
        bytesWritten &+= bytes.readableBytes
        context?.write(wrapOutboundOut(.byteBuffer(bytes)), promise: nil)
    }

    /// Writes bytes of a relayed body from this handler's place in the pipeline: they need no
    /// framing, and going past the handlers in front of it (and the `HTTPServerResponsePart`
    /// box every write through them costs) is measurable per event. Only while ``isRelaying``;
    /// no compressed bytes wait in the writer then (event streams are never compressed), so the
    /// order of writes is kept.
    func writeRelayed(_ bytes: ByteBuffer) {
        precondition(isRelaying, "only the body of a relayed response may be written past the pipeline")
        bytesWritten &+= bytes.readableBytes
        context?.write(wrapOutboundOut(.byteBuffer(bytes)), promise: nil)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        encode(unwrapOutboundIn(data), context: context, promise: promise)
    }

    func encode(_ part: HTTPServerResponsePart, context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        switch part {
        case .head(var head):
            let code = head.status.code
            if (100..<200).contains(code), code != 101 {
                // Interim: another head follows and the framing state is the final head's.
                let bytes = Self.serialize(head, allocator: context.channel.allocator)
                bytesWritten &+= bytes.readableBytes
                context.write(wrapOutboundOut(.byteBuffer(bytes)), promise: promise)
                return
            }
            let method = requestMethod
            requestMethod = nil
            let framing = Self.frame(&head.headers, status: head.status, version: head.version, method: method)
            bodySuppressed = method?.isHEAD == true || method?.isCONNECT == true
            chunked = framing.isChunked && !bodySuppressed
            isRelaying = false
            let bytes = Self.serialize(head, addingChunkedField: framing == .chunkedAddingField, allocator: context.channel.allocator)
            bytesWritten &+= bytes.readableBytes
            context.write(wrapOutboundOut(.byteBuffer(bytes)), promise: promise)
        case .body(let part):
            if bodySuppressed {
                promise?.fail(NIOHTTPResponseEncoderError.responseBodyNotAllowed)
                return
            }
            if chunked {
                bytesWritten &+= ChunkedFraming.writeChunk(part, context: context, promise: promise)
            } else {
                bytesWritten &+= part.readableBytes
                context.write(wrapOutboundOut(part), promise: promise)
            }
        case .end(let trailers):
            bodySuppressed = false
            isRelaying = false
            if chunked {
                chunked = false
                bytesWritten &+= ChunkedFraming.writeEnd(trailers: trailers, context: context, promise: promise)
            } else {
                ChunkedFraming.writeNothing(context: context, promise: promise)
            }
        }
    }

    enum Framing: Equatable {
        case chunked
        /// Chunked, and the head has no `Transfer-Encoding` field (a proxied head lost the
        /// upstream's as hop-by-hop): the serializer appends `transfer-encoding: chunked`, as
        /// adding it to the headers would have, without copying them.
        case chunkedAddingField
        case contentLength
        /// No body, or an HTTP/1.0 body delimited by the connection's close.
        case neither

        var isChunked: Bool { self == .chunked || self == .chunkedAddingField }
    }

    /// Adjusts `headers` to the framing the response gets, and returns it.
    static func frame(_ headers: inout HTTPHeaders, status: HTTPResponseStatus, version: HTTPVersion, method: HTTPMethod?) -> Framing {
        if method?.isCONNECT == true || !status.mayHaveResponseBody {
            headers.remove(name: "content-length")
            headers.remove(name: "transfer-encoding")
            return .neither
        }
        if headers.contains(name: "content-length") {
            headers.remove(name: "transfer-encoding")
            return .contentLength
        }
        if (version.major, version.minor) >= (1, 1) {
            // A proxied head has lost its `Transfer-Encoding` (hop-by-hop) already.
            guard headers.contains(name: "transfer-encoding") else { return .chunkedAddingField }
            headers.replaceOrAdd(name: "transfer-encoding", value: "chunked")
            return .chunked
        }
        return .neither
    }

    private static let chunkedField: StaticString = "transfer-encoding: chunked\r\n"

    /// The status line, the fields (`transfer-encoding: chunked` last when `addingChunkedField`)
    /// and the blank line.
    static func serialize(_ head: HTTPResponseHead, addingChunkedField: Bool = false, allocator: ByteBufferAllocator) -> ByteBuffer {
        let reason = head.status.reasonPhrase
        let code = head.status.code
        let common = (head.version == .http1_1 || head.version == .http1_0) && (100...999).contains(code)
        let startLine = common ? nil : "HTTP/\(head.version.major).\(head.version.minor) \(code) "
        let length = (startLine?.utf8.count ?? 13) + reason.utf8.count + 4 + HeadCursor.length(of: head.headers)
            + (addingChunkedField ? chunkedField.utf8CodeUnitCount : 0)
        var buffer = allocator.buffer(capacity: length)
        buffer.writeHead(length: length) { cursor in
            if let startLine {
                cursor.append(startLine)
            } else {
                cursor.append(head.version == .http1_1 ? "HTTP/1.1 " : "HTTP/1.0 ")
                cursor.appendStatusCode(code)
                cursor.append(" ")
            }
            cursor.append(reason)
            cursor.append("\r\n")
            cursor.appendFields(head.headers)
            if addingChunkedField { cursor.append(chunkedField) }
            cursor.append("\r\n")
        }
        return buffer
    }
}

@available(*, unavailable)
extension ClientResponseEncoder: Sendable {}
