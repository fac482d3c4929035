import NIOCore
import NIOHTTP1
import NIOHTTPCompression

/// Gzip for ordinary responses on routes with `RoutePolicy.compression`, through NIO's
/// `HTTPResponseCompressor` (which also honours the client's `Accept-Encoding`).
///
/// The compressor sits between the HTTP codec and `ClientConnectionHandler` and asks its
/// predicate about every response head; the handler answers through `compressNext`, set right
/// before it writes a head. The compressor pairs each response head with the request head it saw
/// inbound, so heads that answer no decoded request (a `408` before any request, a parse error)
/// and interim `100 Continue` heads are written past it (`bypass`).
final class ResponseCompression {
    /// Whether the next response head may be compressed (reset by the predicate).
    var compressNext = false
    /// Request heads that passed the compressor and have no final response head yet.
    var unansweredRequests = 0
    /// The compressor's context: writes from here skip it.
    var bypass: ChannelHandlerContext?

    /// The compressor for a new connection, wired to this decision.
    func makeCompressor() -> HTTPResponseCompressor {
        HTTPResponseCompressor(initialByteBufferCapacity: 0) { [self] _, _ in
            defer { compressNext = false }
            return compressNext ? .compressIfPossible : .doNotCompress
        }
    }

    /// Whether a response may be compressed: the route asks for it, it is an ordinary response
    /// with a body to an HTTP/1.1 client, and the upstream did not encode it already. (Never for
    /// event streams or upgrades; `Accept-Encoding` is the compressor's check. HTTP/1.0 clients
    /// get the upstream's framing, as with nginx's default `gzip_http_version 1.1`: a compressed
    /// body has no known length, and they cannot read chunks.)
    static func allows(
        _ head: HTTPResponseHead, kind: ResponseKind, compressionOn: Bool, headRequest: Bool, clientVersion: HTTPVersion
    ) -> Bool {
        guard compressionOn, kind == .ordinary, !headRequest, (clientVersion.major, clientVersion.minor) >= (1, 1),
            head.status.mayHaveResponseBody,
            head.status != .notModified, head.status.code >= 200
        else { return false }
        return !head.headers.contains(name: "content-encoding")
    }
}

@available(*, unavailable)
extension ResponseCompression: Sendable {}
