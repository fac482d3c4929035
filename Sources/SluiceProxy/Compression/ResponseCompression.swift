import NIOHTTP1

/// What compression does to one response on a route with `RoutePolicy.compression`, for a
/// client whose `Accept-Encoding` accepts gzip or deflate (`AcceptEncoding`): decided by
/// `ExchangePolicy.compression(of:kind:clientVersion:)`, done by the response writer
/// (`HTTP1ResponseWriter`), which rewrites the head (``prepare(_:)``) and compresses the body as
/// it is written (`ResponseBodyCompressor`).
///
/// As nginx with ingress-nginx's defaults (`gzip_vary on`, `gzip-min-length 256`, its
/// `gzip-types`): only compressible media types and bodies not known to be short; every such
/// response says `Vary: Accept-Encoding`, compressed or not, so that a cache keeps the two
/// apart; a compressed one's strong `ETag` becomes weak (its bytes differ from the upstream's),
/// and it has no `Content-Length` (it is chunked, as nginx's gzip filter chunks).
enum ResponseCompression: Equatable {
    /// Sent as it is: the route does not compress this response.
    case off
    /// Sent as it is, saying `Vary: Accept-Encoding`: the route would compress it, but the client
    /// accepts no coding the proxy has.
    case varyOnly
    /// Compressed with this coding. A `HEAD`'s response gets the head its `GET`'s would (RFC 9110
    /// §9.3.2), and no body.
    case compress(AcceptEncoding)

    /// Makes the response's fields say what this does to it.
    func prepare(_ headers: inout HTTPHeaders) {
        switch self {
        case .off:
            break
        case .varyOnly:
            Self.prepare(&headers, compressed: false)
        case .compress(let coding):
            Self.prepare(&headers, compressed: true)
            headers.remove(name: "content-length")
            headers.replaceOrAdd(name: "Content-Encoding", value: AcceptEncoding.fieldValue(for: coding))
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

    /// Bodies shorter than this are sent as they are (ingress-nginx's `gzip-min-length`): gzip's
    /// header and trailer alone are 18 bytes.
    static let minimumLength = 256

    /// Whether a response may be compressed: the route asks for it, it is an ordinary response
    /// to an HTTP/1.1 client, its status is 200, 403 or 404, the upstream did not encode it
    /// already nor forbid transformations (`Cache-Control: no-transform`), its media type is
    /// compressible (`CompressibleMediaType`) and its length, if declared, is at least
    /// `minimumLength`. (Never for event streams or upgrades; `Accept-Encoding` is checked apart.
    /// HTTP/1.0 clients get the upstream's framing, as with nginx's default
    /// `gzip_http_version 1.1`: a compressed body has no known length, and they cannot read
    /// chunks.)
    static func allows(_ head: HTTPResponseHead, kind: ResponseKind, compressionOn: Bool, clientVersion: HTTPVersion) -> Bool {
        // 200, 403 and 404 only, as nginx: a `206`'s `Content-Range` counts bytes of the
        // uncompressed representation.
        guard compressionOn, kind == .ordinary, (clientVersion.major, clientVersion.minor) >= (1, 1),
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
