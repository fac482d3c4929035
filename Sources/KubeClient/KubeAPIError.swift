/// What went wrong talking to the API server, by what a caller does about it.
public enum KubeAPIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// 401: the token or client certificate was not accepted.
    case unauthorized(message: String)
    /// 403: RBAC does not allow `verb` on `resource` (e.g. `patch` on `ingresses.networking.k8s.io/status`).
    case forbidden(verb: String?, resource: String, message: String)
    /// 404.
    case notFound(message: String)
    /// 409: `AlreadyExists` on create, `Conflict` on a stale resourceVersion.
    case conflict(KubeStatus)
    /// 410: a continue token or resourceVersion expired; LIST again.
    case gone(message: String)
    /// 429: back off, for `retryAfter` if the server said how long.
    case tooManyRequests(retryAfter: Duration?)
    /// 5xx.
    case server(KubeStatus)
    /// Any other non-2xx answer (400 Bad Request, 415, 422 Invalid, ...).
    case rejected(KubeStatus)
    /// No HTTP answer: connection refused, TLS handshake or verification failure, reset mid-body.
    /// `curlCode` is libcurl's `CURLcode`.
    case transport(curlCode: Int, message: String)
    /// The answer was not the JSON expected.
    case decoding(String)

    public var description: String {
        switch self {
        case .unauthorized(let message): "401 Unauthorized: \(message)"
        case .forbidden(let verb, let resource, let message):
            "403 Forbidden (\(verb ?? "?") \(resource)): \(message)"
        case .notFound(let message): "404 Not Found: \(message)"
        case .conflict(let status): "409 \(status.reason): \(status.message)"
        case .gone(let message): "410 Gone: \(message)"
        case .tooManyRequests(let retryAfter): "429 Too Many Requests (retry after \(retryAfter.map { "\($0)" } ?? "?"))"
        case .server(let status): "server error \(status)"
        case .rejected(let status): "rejected: \(status)"
        case .transport(let code, let message): "transport error (curl \(code)): \(message)"
        case .decoding(let message): "decoding failed: \(message)"
        }
    }
}
