import NIOCore
import NIOHTTP1
import SluiceRouting

/// A response the proxy writes itself (no route, upstream failures, rejected requests, redirects
/// to HTTPS): a small plain-text body stating the problem, `Location` for a redirect, `Upgrade`
/// for a `426`, and `Connection: close` when the connection ends after it. To a gRPC request
/// over HTTP/2 it is a gRPC status instead (`GRPCErrorResponse`).
public struct ProxyErrorResponse: Hashable, Sendable {
    public var status: HTTPResponseStatus
    public var message: String
    public var closeConnection: Bool
    /// Where a redirect sends the client.
    public var location: String?
    /// The protocol a `426` requires (its `Upgrade` field).
    public var upgrade: String?
    /// Fields a policy adds (a CORS preflight's answer).
    public var fields: [ResponseField]
    /// Seconds a client refused by a limit should wait (`Retry-After`).
    public var retryAfter: Int?
    /// The challenge of a `401` (`WWW-Authenticate`, from an external auth service).
    public var authenticate: String?

    public init(
        status: HTTPResponseStatus, message: String, closeConnection: Bool, location: String? = nil, upgrade: String? = nil,
        fields: [ResponseField] = []
    ) {
        self.status = status
        self.message = message
        self.closeConnection = closeConnection
        self.location = location
        self.upgrade = upgrade
        self.fields = fields
    }

    /// A CORS preflight answered by the proxy (`CORSDecision`): `204`, no body.
    static func corsPreflight(fields: [ResponseField]) -> ProxyErrorResponse {
        ProxyErrorResponse(status: .noContent, message: "", closeConnection: false, fields: fields)
    }

    /// A gRPC route asked over HTTP/1 (`secure`: over TLS): `426 Upgrade Required`, naming
    /// HTTP/2 (`h2` over TLS, by ALPN; `h2c` in the clear). nginx and Envoy forward such a
    /// request, but a gRPC call's status travels in trailers, which an HTTP/1.1 response carries
    /// only chunked and most HTTP/1.1 clients drop: the call would look answered without its
    /// status. gRPC needs HTTP/2 end to end.
    public static func grpcNeedsHTTP2(secure: Bool) -> ProxyErrorResponse {
        ProxyErrorResponse(
            status: .upgradeRequired, message: "gRPC needs HTTP/2: connect with HTTP/2 (\(secure ? "ALPN h2" : "h2c prior knowledge"))",
            closeConnection: false, upgrade: secure ? "h2" : "h2c")
    }

    /// Plain HTTP to a host served over HTTPS: `308`, so that the method and body are kept
    /// (ingress-nginx's `ssl-redirect` answers the same, with `http-redirect-code` 308).
    public static func redirectToHTTPS(_ location: String) -> ProxyErrorResponse {
        ProxyErrorResponse(
            status: .permanentRedirect, message: "moved to \(location)", closeConnection: false, location: location)
    }

    /// A route's own redirect (`RouteRedirect`: `temporal-redirect`, `permanent-redirect`,
    /// `app-root`), with the status it names.
    public static func redirect(status: Int, location: String) -> ProxyErrorResponse {
        ProxyErrorResponse(
            status: HTTPResponseStatus(statusCode: status), message: "moved to \(location)", closeConnection: false,
            location: location)
    }

    public static func noRoute(host: String, path: String) -> ProxyErrorResponse {
        ProxyErrorResponse(status: .notFound, message: "no route for host \"\(host)\" path \"\(path)\"", closeConnection: false)
    }

    /// A request body larger than its route accepts (`proxy-body-size`): `413`, and the
    /// connection closes after it (the rest of the body is not read into a next request).
    public static let payloadTooLarge = ProxyErrorResponse(
        status: .payloadTooLarge, message: "request body too large", closeConnection: true)

    /// More basic-auth password checks under way on the event loop than it allows
    /// (`ProxyConfiguration.maxPasswordChecksInFlight`): `503`, try again in a second.
    public static let passwordChecksBusy: ProxyErrorResponse = {
        var response = ProxyErrorResponse(
            status: .serviceUnavailable, message: "too many password checks under way; try again",
            closeConnection: false)
        response.retryAfter = 1
        return response
    }()

    /// A client over its route's limits (`ClientLimits`): `503` with `Retry-After`, as
    /// ingress-nginx's `limit-req-status-code` and `limit-conn-status-code` default.
    public static func clientLimited(retryAfter: Int) -> ProxyErrorResponse {
        var response = ProxyErrorResponse(
            status: .serviceUnavailable, message: "too many requests from this client", closeConnection: false)
        response.retryAfter = retryAfter
        return response
    }

    public static func noEndpoints(backend: String) -> ProxyErrorResponse {
        ProxyErrorResponse(status: .serviceUnavailable, message: "no ready endpoints for \(backend)", closeConnection: false)
    }

    /// A route translation refused (`RoutePolicy.refusal`): `503`, and the backend never asked.
    public static func routeRefused(_ refusal: RouteRefusal, source: String) -> ProxyErrorResponse {
        ProxyErrorResponse(
            status: .serviceUnavailable, message: "route of \(source) refused (fails closed): \(refusal.reason)",
            closeConnection: false)
    }

    /// The client's address is not allowed on the route (its allow or deny list): `403`, as
    /// nginx's `deny` answers.
    public static let addressNotAllowed = ProxyErrorResponse(
        status: .forbidden, message: "client address not allowed", closeConnection: false)

    public static func upstreamUnreachable(backend: String) -> ProxyErrorResponse {
        ProxyErrorResponse(status: .badGateway, message: "upstream \(backend) unreachable", closeConnection: false)
    }

    public static func upstreamTLSFailed(backend: String) -> ProxyErrorResponse {
        ProxyErrorResponse(status: .badGateway, message: "upstream \(backend): TLS handshake failed", closeConnection: false)
    }

    public static func upstreamClosed(backend: String) -> ProxyErrorResponse {
        ProxyErrorResponse(status: .badGateway, message: "upstream \(backend) closed the connection", closeConnection: true)
    }

    public static func upstreamInvalidResponse(backend: String) -> ProxyErrorResponse {
        ProxyErrorResponse(status: .badGateway, message: "upstream \(backend) sent an invalid response", closeConnection: true)
    }

    /// An upgrade request (WebSocket) to a backend spoken to over HTTP/2 (`H2C`, `GRPC`): HTTP/2
    /// has no `Upgrade`, and the proxy does not translate one into an extended CONNECT.
    public static func upgradeToHTTP2Upstream(backend: String) -> ProxyErrorResponse {
        ProxyErrorResponse(
            status: .badGateway, message: "upstream \(backend) speaks HTTP/2: an upgrade cannot be relayed to it",
            closeConnection: false)
    }

    public static func upstreamTimeout(backend: String) -> ProxyErrorResponse {
        ProxyErrorResponse(status: .gatewayTimeout, message: "upstream \(backend) timed out", closeConnection: true)
    }

    public static let requestTimeout = ProxyErrorResponse(
        status: .requestTimeout, message: "request head not received in time", closeConnection: true)

    public static let requestBodyTimeout = ProxyErrorResponse(
        status: .requestTimeout, message: "request body not received in time", closeConnection: true)

    public static func rejected(_ rejection: RequestRejection) -> ProxyErrorResponse {
        ProxyErrorResponse(status: rejection.status, message: rejection.reason, closeConnection: true)
    }

    /// The head, with `Content-Length` of `body` (none for a status without a body) and
    /// `Connection: close` when closing.
    public func head(version: HTTPVersion = .http1_1) -> HTTPResponseHead {
        var headers = HTTPHeaders()
        if hasBody {
            headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
            headers.add(name: "Content-Length", value: String(bodyText.utf8.count))
        }
        if let location { headers.add(name: "Location", value: location) }
        for field in fields { headers.add(name: field.name, value: field.value) }
        if let retryAfter { headers.add(name: "Retry-After", value: String(retryAfter)) }
        if let authenticate { headers.add(name: "WWW-Authenticate", value: authenticate) }
        if let upgrade {
            // RFC 9110 §7.8: `Upgrade` goes with the `upgrade` connection option.
            headers.add(name: "Upgrade", value: upgrade)
            headers.add(name: "Connection", value: closeConnection ? "upgrade, close" : "upgrade")
        } else if closeConnection {
            headers.add(name: "Connection", value: "close")
        }
        return HTTPResponseHead(version: version, status: status, headers: headers)
    }

    public var bodyText: String { message + "\n" }

    /// The status allows a body (not a `204`).
    public var hasBody: Bool { status.mayHaveResponseBody }

    public func body(allocator: ByteBufferAllocator) -> ByteBuffer {
        allocator.buffer(string: bodyText)
    }
}
