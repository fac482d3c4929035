import NIOCore
import NIOHTTP1
import NIOHTTPCompression

/// Gzip for ordinary responses on routes with `RoutePolicy.compression`, through NIO's
/// `HTTPResponseCompressor`, for clients whose `Accept-Encoding` accepts it (`AcceptEncoding`;
/// deflate for those that prefer it).
///
/// As nginx with ingress-nginx's defaults (`gzip_vary on`, `gzip-min-length 256`, its
/// `gzip-types`): only compressible media types and bodies not known to be short; every such
/// response says `Vary: Accept-Encoding`, compressed or not, so that a cache keeps the two
/// apart; a compressed one's strong `ETag` becomes weak (its bytes differ from the upstream's).
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
    /// Request heads as the client sent them, oldest first, one per head the compressor saw with
    /// its `Accept-Encoding` rewritten (`AcceptEncodingCanonicalizer`).
    var clientHeads = CircularBuffer<HTTPRequestHead>(initialCapacity: 2)

    /// The compressor for a new connection, wired to this decision.
    func makeCompressor() -> HTTPResponseCompressor {
        HTTPResponseCompressor(initialByteBufferCapacity: 0) { [self] head, clientAccepts in
            defer { compressNext = false }
            guard compressNext else { return .doNotCompress }
            Self.prepare(&head.headers, compressed: clientAccepts)
            return .compressIfPossible
        }
    }

    /// The head of a response the route would compress: `Vary` names `Accept-Encoding`, and when
    /// this one is compressed, a strong `ETag` is made weak (RFC 9110 §8.8.3.3: the compressed
    /// bytes are a different representation).
    static func prepare(_ headers: inout HTTPHeaders, compressed: Bool) {
        let vary = headers[canonicalForm: "vary"]
        if !vary.contains(where: { $0 == "*" || HeaderName.matches($0, "accept-encoding") }) {
            headers.add(name: "Vary", value: "Accept-Encoding")
        }
        if compressed, let etag = headers.first(name: "etag"), etag.hasPrefix("\"") {
            headers.replaceOrAdd(name: "ETag", value: "W/" + etag)
        }
    }

    /// The head of a `HEAD` response the route would compress for a `GET`: the fields the
    /// `GET`'s head would have (RFC 9110 §9.3.2), as nginx's gzip filter gives them: `Vary`, and
    /// for a client accepting `coding`, `Content-Encoding` in place of the uncompressed length
    /// and a weak `ETag`.
    static func prepareHeadResponse(_ headers: inout HTTPHeaders, coding: AcceptEncoding?) {
        prepare(&headers, compressed: coding != nil)
        guard let coding else { return }
        headers.remove(name: "content-length")
        headers.replaceOrAdd(name: "Content-Encoding", value: AcceptEncoding.fieldValue(for: coding))
    }

    /// Bodies shorter than this are sent as they are (ingress-nginx's `gzip-min-length`): gzip's
    /// header and trailer alone are 18 bytes.
    static let minimumLength = 256

    /// Whether a response may be compressed: the route asks for it, it is an ordinary response
    /// with a body to an HTTP/1.1 client, its status is 200, 403 or 404, the upstream did not
    /// encode it already nor forbid transformations (`Cache-Control: no-transform`), its media type
    /// is compressible (`CompressibleMediaType`) and its length, if declared, is at least
    /// `minimumLength`. (Never for
    /// event streams or upgrades; `Accept-Encoding` is the compressor's check. HTTP/1.0 clients
    /// get the upstream's framing, as with nginx's default `gzip_http_version 1.1`: a compressed
    /// body has no known length, and they cannot read chunks.)
    static func allows(
        _ head: HTTPResponseHead, kind: ResponseKind, compressionOn: Bool, headRequest: Bool, clientVersion: HTTPVersion
    ) -> Bool {
        // 200, 403 and 404 only, as nginx: a `206`'s `Content-Range` counts bytes of the
        // uncompressed representation.
        guard compressionOn, kind == .ordinary, !headRequest, (clientVersion.major, clientVersion.minor) >= (1, 1),
            head.status == .ok || head.status == .forbidden || head.status == .notFound
        else { return false }
        // `no-transform`: an intermediary must not change the content (RFC 9111 §5.2.2.6).
        guard !head.headers["cache-control"].contains(where: { HeaderName.listContains($0, token: "no-transform") }),
            !head.headers.contains(name: "content-encoding"),
            let contentType = head.headers.first(name: "content-type"),
            CompressibleMediaType.allows(contentType: contentType)
        else { return false }
        if let length = head.headers.first(name: "content-length").flatMap(Int.init), length < minimumLength {
            return false
        }
        return true
    }
}

@available(*, unavailable)
extension ResponseCompression: Sendable {}
