import NIOHPACK
import NIOHTTP1

/// A response the proxy writes itself (a `ProxyErrorResponse`), as a gRPC client reads it: a
/// trailers-only response (one HEADERS frame ending the stream: `:status 200`,
/// `content-type: application/grpc`, `grpc-status`, `grpc-message`), not an HTML or text page,
/// which a gRPC client reports as a bare `UNKNOWN`/`INTERNAL` with no hint of the cause. The one
/// place a proxy error becomes a gRPC status; `HTTP2StreamHandler.writeError` uses it for every
/// gRPC request (by its `content-type`, whether it was routed or not).
enum GRPCErrorResponse {
    /// Whether a request's `content-type` makes it gRPC: `application/grpc`, alone or with a
    /// subtype (`application/grpc+proto`) or parameters; not `application/grpc-web…`, a
    /// protocol of its own.
    static func isGRPC(contentType: String?) -> Bool {
        guard let contentType else { return false }
        let type = contentType.trimmingSpaces()
        // "application/grpc" is 16 bytes, all ASCII.
        guard type.utf8.count >= 16, HeaderName.matches(type.prefix(16), "application/grpc") else { return false }
        let rest = type.dropFirst(16)
        return rest.isEmpty || rest.hasPrefix("+") || rest.hasPrefix(";") || rest.hasPrefix(" ")
    }

    /// The gRPC status code for `error` (grpc/doc/http-grpc-status-mapping.md, where the proxy's
    /// own timeouts, `504` and `408`, are `DEADLINE_EXCEEDED` rather than `UNAVAILABLE`: the
    /// call ran out of time, and a client may not retry it as it would an unavailable backend).
    static func status(for error: ProxyErrorResponse) -> Int {
        switch error.status.code {
        case 400: 13  // INTERNAL
        case 401: 16  // UNAUTHENTICATED
        case 403: 7  // PERMISSION_DENIED
        case 404: 12  // UNIMPLEMENTED: no route serves the method
        case 408, 504: 4  // DEADLINE_EXCEEDED
        case 429, 502, 503: 14  // UNAVAILABLE: no endpoints, the upstream failed or was unreachable
        default: 2  // UNKNOWN
        }
    }

    /// The trailers-only response's one header block.
    static func headers(for error: ProxyErrorResponse) -> HPACKHeaders {
        HPACKHeaders([
            (":status", "200"),
            ("content-type", "application/grpc"),
            ("grpc-status", String(status(for: error))),
            ("grpc-message", percentEncoded(error.message)),
        ])
    }

    /// `grpc-message` as the gRPC protocol encodes it: bytes outside printable ASCII, and `%`,
    /// as `%XX`.
    static func percentEncoded(_ message: String) -> String {
        var encoded = ""
        encoded.reserveCapacity(message.utf8.count)
        for byte in message.utf8 {
            if byte >= 0x20, byte <= 0x7E, byte != UInt8(ascii: "%") {
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                encoded += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return encoded
    }
}
