/// A scripted failure the fake API server answers instead of serving a request.
public enum FakeKubeFault: Sendable, Hashable {
    /// 403 with a Status naming the verb and resource, as RBAC denials read.
    case forbidden
    /// 429 with `Retry-After: seconds`.
    case tooManyRequests(retryAfterSeconds: Int)
    /// 500 InternalError.
    case internalError
    /// Any status code and reason.
    case status(code: Int, reason: String, message: String)

    func status(method: String, target: FakeKubeTarget?) -> FakeKubeStatus {
        switch self {
        case .forbidden:
            let resource = target.map { $0.collection.qualifiedResource + ($0.subresource.map { "/\($0)" } ?? "") } ?? "?"
            let verb = target.map { Self.verb(method: method, hasName: $0.name != nil) } ?? method.lowercased()
            return FakeKubeStatus(
                code: 403, reason: "Forbidden",
                message: "\(resource) is forbidden: User \"system:serviceaccount:sluice:sluice\" cannot \(verb) resource \"\(target?.collection.resource ?? "?")\"")
        case .tooManyRequests:
            return FakeKubeStatus(code: 429, reason: "TooManyRequests", message: "too many requests, please try again later")
        case .internalError:
            return FakeKubeStatus(code: 500, reason: "InternalError", message: "Internal error occurred: fake fault")
        case .status(let code, let reason, let message):
            return FakeKubeStatus(code: code, reason: reason, message: message)
        }
    }

    var retryAfter: Int? {
        if case .tooManyRequests(let seconds) = self { return seconds }
        return nil
    }

    static func verb(method: String, hasName: Bool) -> String {
        switch method {
        case "GET": hasName ? "get" : "list"
        case "POST": "create"
        case "PUT": "update"
        case "PATCH": "patch"
        case "DELETE": "delete"
        default: method.lowercased()
        }
    }
}
