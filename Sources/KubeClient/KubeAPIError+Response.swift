import Foundation

extension KubeAPIError {
    /// The error a non-2xx response means. `body` is usually a Status; when it is not, its text
    /// becomes the message.
    static func from(
        statusCode: Int, headers: HTTPHeaderList, body: Data, verb: String?, path: KubeResourcePath
    ) -> KubeAPIError {
        let status =
            (try? JSONDecoder().decode(KubeStatus.self, from: body)).map { decoded in
                KubeStatus(
                    code: decoded.code == 0 ? statusCode : decoded.code, reason: decoded.reason,
                    message: decoded.message)
            }
            ?? KubeStatus(
                code: statusCode, reason: "", message: String(decoding: body.prefix(1024), as: UTF8.self))
        switch statusCode {
        case 401: return .unauthorized(message: status.message)
        case 403: return .forbidden(verb: verb, resource: path.qualifiedResource, message: status.message)
        case 404: return .notFound(message: status.message)
        case 409: return .conflict(status)
        case 410: return .gone(message: status.message)
        case 429: return .tooManyRequests(retryAfter: headers.value(of: "Retry-After").flatMap(retryAfter))
        case 500...599: return .server(status)
        default: return .rejected(status)
        }
    }

    /// `Retry-After: 3` → 3 s. The HTTP-date form is not used by the API server and yields nil.
    static func retryAfter(_ value: String) -> Duration? {
        guard let seconds = Int(value.trimmingCharacters(in: .whitespaces)), seconds >= 0 else { return nil }
        return .seconds(seconds)
    }
}
