/// A `kind: Status` object: the body of API errors and of WATCH `ERROR` events.
public struct KubeStatus: Codable, Sendable, Hashable, CustomStringConvertible {
    /// HTTP-like status code: 410 for an expired resourceVersion.
    public var code: Int
    /// Machine-readable reason: `Expired`, `Conflict`, `AlreadyExists`, `Forbidden`, ...
    public var reason: String
    public var message: String

    public init(code: Int, reason: String, message: String) {
        self.code = code
        self.reason = reason
        self.message = message
    }

    enum CodingKeys: String, CodingKey { case code, reason, message }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        code = try container.decodeIfPresent(Int.self, forKey: .code) ?? 0
        reason = try container.decodeIfPresent(String.self, forKey: .reason) ?? ""
        message = try container.decodeIfPresent(String.self, forKey: .message) ?? ""
    }

    /// `410 Expired`: the resourceVersion or continue token is too old; LIST again.
    public var isExpired: Bool { code == 410 }

    public var description: String { "\(code) \(reason): \(message)" }
}
