import KubeClient

/// Why a LIST or WATCH failed, by what the reflector does about it and how it is reported.
public enum ReflectorFailure: Sendable, Hashable, CustomStringConvertible {
    /// The resourceVersion is too old (HTTP 410, or an ERROR event with code 410): relist.
    case expired
    /// No HTTP answer: refused, reset, TLS failure, timeout.
    case unreachable(String)
    /// 5xx.
    case serverError(String)
    /// 429; `retryAfter` when the server said how long.
    case throttled(retryAfter: Duration?)
    /// 401: credentials not accepted.
    case unauthorized(String)
    /// 403: a missing RBAC permission; the text names the verb and the resource.
    case forbidden(String)
    /// Anything else: a rejected request, an undecodable list, an ERROR event.
    case other(String)

    /// What this failure means for the operator; two failures of the same category are the same
    /// state, so the reflector logs a category change once, not every retry.
    public var category: String {
        switch self {
        case .expired: "expired"
        case .unreachable: "unreachable"
        case .serverError: "server-error"
        case .throttled: "throttled"
        case .unauthorized: "unauthorized"
        case .forbidden: "forbidden"
        case .other: "other"
        }
    }

    public var description: String {
        switch self {
        case .expired: "resourceVersion expired (410 Gone): relisting"
        case .unreachable(let message): "API server unreachable: \(message)"
        case .serverError(let message): "API server error: \(message)"
        case .throttled(let retryAfter):
            "API server throttling (429)" + (retryAfter.map { ", retry after \($0)" } ?? "")
        case .unauthorized(let message): message
        case .forbidden(let message): message
        case .other(let message): message
        }
    }

    /// Classifies what a `verb` (`list`, `watch`) on `path` threw.
    public static func classify(_ error: any Error, verb: String, path: KubeResourcePath) -> ReflectorFailure {
        guard let error = error as? KubeAPIError else { return .other("\(verb) \(path.qualifiedResource): \(error)") }
        switch error {
        case .gone: return .expired
        case .transport(_, let message): return .unreachable(message)
        case .server(let status): return .serverError("\(status)")
        case .tooManyRequests(let retryAfter): return .throttled(retryAfter: retryAfter)
        case .unauthorized(let message):
            return .unauthorized(
                "unauthorized: the API server did not accept the credentials (token or client certificate) "
                    + "to \(verb) \(path.qualifiedResource): \(message)")
        case .forbidden(_, _, let message):
            return .forbidden(rbacMessage(verb: verb, path: path, serverMessage: message))
        case .notFound, .conflict, .rejected, .decoding:
            return .other("\(verb) \(path.qualifiedResource): \(error)")
        }
    }

    /// `forbidden: cannot watch ingresses.networking.k8s.io at cluster scope — the ClusterRole
    /// needs watch on ingresses`.
    static func rbacMessage(verb: String, path: KubeResourcePath, serverMessage: String) -> String {
        let scope: String
        let role: String
        if let namespace = path.namespace {
            scope = "in namespace \"\(namespace)\""
            role = "the Role (or ClusterRole) bound in \"\(namespace)\""
        } else {
            scope = "at cluster scope"
            role = "the ClusterRole"
        }
        let group = path.group.isEmpty ? "\"\" (core)" : path.group
        return "forbidden: cannot \(verb) \(path.qualifiedResource) \(scope) — \(role) needs \(verb) on "
            + "\(path.resource) in apiGroup \(group) (server said: \(serverMessage))"
    }
}
