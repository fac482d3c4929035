/// Sticky sessions by cookie (`affinity: cookie` and the `session-cookie-*` annotations, as
/// ingress-nginx reads them): the first response of a client names an endpoint in a cookie, and
/// the client's next requests that carry it go to that endpoint while it is ready.
public struct SessionAffinity: Hashable, Sendable {
    /// What the cookie holds (`affinity-mode`).
    public enum Mode: String, Hashable, Sendable {
        /// A random key, hashed over the current endpoints (rendezvous hashing, as
        /// `upstream-hash-by`): an added endpoint takes about 1/N of the sessions, a removed one
        /// hands its sessions to the others, and no new cookie is needed when that happens.
        case balanced
        /// A token of the endpoint itself: a client stays on it, whatever is added, until it
        /// leaves or becomes unready; then it is given another endpoint and a new cookie.
        case persistent
    }

    /// The cookie's name (`session-cookie-name`; `INGRESSCOOKIE` as ingress-nginx).
    public var cookieName: String
    /// The cookie's `Path` (`session-cookie-path`); nil: the route's path.
    public var path: String?
    /// `Max-Age` in seconds (`session-cookie-max-age`); nil: none (a session cookie).
    public var maxAge: Int?
    /// `Expires`, in seconds from the response (`session-cookie-expires`); nil: none.
    public var expires: Int?
    /// `SameSite` (`session-cookie-samesite`: `None`, `Lax` or `Strict`); nil: none.
    public var sameSite: String?
    /// `Secure` (`session-cookie-secure`); nil: when the request came over TLS, as ingress-nginx.
    public var secure: Bool?
    /// A failed attempt on the cookie's endpoint moves the session to the endpoint the request
    /// was retried on, with a new cookie (`session-cookie-change-on-failure`).
    public var changeOnFailure: Bool
    public var mode: Mode
    /// The secret the persistent tokens are made with (an HMAC key): the same on every replica
    /// (translation derives it from what they all read, the Ingress's UID), unknown to clients.
    public var tokenKey: String

    public static let defaultCookieName = "INGRESSCOOKIE"

    public init(
        cookieName: String = SessionAffinity.defaultCookieName, path: String? = nil, maxAge: Int? = nil,
        expires: Int? = nil, sameSite: String? = nil, secure: Bool? = nil, changeOnFailure: Bool = false,
        mode: Mode = .balanced, tokenKey: String = ""
    ) {
        self.cookieName = cookieName
        self.path = path
        self.maxAge = maxAge
        self.expires = expires
        self.sameSite = sameSite
        self.secure = secure
        self.changeOnFailure = changeOnFailure
        self.mode = mode
        self.tokenKey = tokenKey
    }

    /// The same value with strings of its own (see `RoutingTable.replica()`).
    func replica() -> SessionAffinity {
        var copy = self
        copy.cookieName = cookieName.replica()
        copy.path = path?.replica()
        copy.sameSite = sameSite?.replica()
        copy.tokenKey = tokenKey.replica()
        return copy
    }
}
