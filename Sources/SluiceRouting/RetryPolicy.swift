/// When a request that failed on one endpoint goes to another (ingress-nginx's
/// `proxy-next-upstream`, `proxy-next-upstream-tries`, `proxy-next-upstream-timeout`).
///
/// The proxy retries only what it can replay and only before anything of a response reached the
/// client (`RetryDecision` in SluiceProxy decides); each try goes to an endpoint not tried yet.
public struct RetryPolicy: Hashable, Sendable {
    /// What counts as a failure worth another endpoint (nginx's `proxy_next_upstream` words).
    public struct Conditions: OptionSet, Hashable, Sendable {
        public let rawValue: UInt16
        public init(rawValue: UInt16) { self.rawValue = rawValue }

        /// The connect failed, or the connection broke before a response head.
        public static let error = Conditions(rawValue: 1 << 0)
        /// The connect timed out, or no response head came within the read timeout.
        public static let timeout = Conditions(rawValue: 1 << 1)
        /// The upstream sent something that is no response head (read as a broken connection).
        public static let invalidHeader = Conditions(rawValue: 1 << 2)
        public static let http500 = Conditions(rawValue: 1 << 3)
        public static let http502 = Conditions(rawValue: 1 << 4)
        public static let http503 = Conditions(rawValue: 1 << 5)
        public static let http504 = Conditions(rawValue: 1 << 6)
        public static let http403 = Conditions(rawValue: 1 << 7)
        public static let http404 = Conditions(rawValue: 1 << 8)
        public static let http429 = Conditions(rawValue: 1 << 9)
        /// Requests whose method is not idempotent (`POST`, `PATCH`, …) are retried too, once the
        /// request may have reached the upstream (a failed connect retries them anyway: nothing
        /// was sent).
        public static let nonIdempotent = Conditions(rawValue: 1 << 10)

        /// Each condition with its nginx word, in the order `text` writes them.
        public static let words: [(Conditions, String)] = [
            (.error, "error"), (.timeout, "timeout"), (.invalidHeader, "invalid_header"), (.http500, "http_500"),
            (.http502, "http_502"), (.http503, "http_503"), (.http504, "http_504"), (.http403, "http_403"),
            (.http404, "http_404"), (.http429, "http_429"), (.nonIdempotent, "non_idempotent"),
        ]

        /// The condition a response status is, if any.
        public static func status(_ code: Int) -> Conditions? {
            switch code {
            case 500: .http500
            case 502: .http502
            case 503: .http503
            case 504: .http504
            case 403: .http403
            case 404: .http404
            case 429: .http429
            default: nil
            }
        }
    }

    public var conditions: Conditions
    /// Most attempts in all, the first included; 0: no limit (each endpoint is tried at most once
    /// either way).
    public var tries: Int
    /// No retry starts this long after the request arrived; nil: no limit.
    public var timeout: Duration?

    public init(conditions: Conditions = [.error, .timeout], tries: Int = 3, timeout: Duration? = nil) {
        self.conditions = conditions
        self.tries = tries
        self.timeout = timeout
    }

    /// ingress-nginx's: `error timeout`, 3 tries, no time limit.
    public static let `default` = RetryPolicy()

    /// Whether a response with status `code` is retried.
    public func retries(status code: Int) -> Bool {
        guard let condition = Conditions.status(code) else { return false }
        return conditions.contains(condition)
    }

    /// The conditions as `proxy-next-upstream` words (`off` for none), in a fixed order.
    public var conditionWords: [String] {
        let words = Conditions.words.filter { conditions.contains($0.0) }.map(\.1)
        return words.isEmpty ? ["off"] : words
    }
}
