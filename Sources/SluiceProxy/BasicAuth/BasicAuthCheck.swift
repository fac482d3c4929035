import Foundation
import NIOHTTP1
import SluiceRouting

/// The pure half of basic authentication (`BasicAuth`): what a request's `Authorization` field
/// asks, and the `401` that answers a request without a good one. The exchange performs the
/// check (`ProxiedExchange+BasicAuth`, over `PasswordVerifier`).
enum BasicAuthCheck {
    /// A user name and password from `Authorization: Basic` (RFC 7617).
    struct Credentials: Equatable, Sendable {
        var user: String
        var password: [UInt8]
    }

    /// What to do with a request under `auth`.
    enum Verdict: Equatable, Sendable {
        /// No usable credentials, or an unknown user: `401` at once (as nginx, which does not
        /// hash a password for a user it does not know).
        case challenge
        /// Check `credentials.password` against `hash`.
        case verify(Credentials, PasswordHash)
    }

    static func verdict(_ head: HTTPRequestHead, auth: BasicAuth) -> Verdict {
        guard let credentials = credentials(head), let hash = auth.users[credentials.user] else { return .challenge }
        return .verify(credentials, hash)
    }

    /// The credentials of `head`'s one `Authorization` field, if it is `Basic` (the scheme's
    /// case does not matter) with base64 of `user:password`; nil otherwise (none, several,
    /// another scheme, bad base64, no colon).
    static func credentials(_ head: HTTPRequestHead) -> Credentials? {
        let fields = head.headers["authorization"]
        guard fields.count == 1, let field = fields.first else { return nil }
        let parts = field.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "basic",
            let decoded = Data(base64Encoded: String(parts[1].trimmingCharacters(in: .whitespaces)))
        else { return nil }
        let bytes = Array(decoded)
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")),
            let user = String(validating: bytes[..<colon], as: UTF8.self)
        else { return nil }
        return Credentials(user: user, password: Array(bytes[(colon + 1)...]))
    }
}

extension ProxyErrorResponse {
    /// A request without good credentials on a basic auth route: `401` with the challenge
    /// `Basic realm="<realm>"` (the realm holds no quote or backslash: `BasicAuthGrammars`).
    static func basicAuthRequired(realm: String) -> ProxyErrorResponse {
        var response = ProxyErrorResponse(status: .unauthorized, message: "authentication required", closeConnection: false)
        response.authenticate = "Basic realm=\"\(realm)\""
        return response
    }
}
