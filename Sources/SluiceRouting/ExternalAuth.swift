/// External authentication of a route (`auth-url` and friends, ingress-nginx's `auth_request`):
/// before a request goes upstream, the proxy asks `url` whether it may, and a `2xx` lets it
/// through. Compiled at translation; checked per request by the proxy (`ExternalAuthCheck`).
public struct ExternalAuth: Hashable, Sendable {
    /// The auth service's address, parsed from an `http://` URL.
    public var host: String
    public var port: Int
    /// The `Host` field of the subrequest: the URL's authority.
    public var authority: String
    /// The URL's path and query.
    public var target: String
    /// The subrequest's method (`auth-method`); `GET` by default.
    public var method: String
    /// Where a `401` sends the client instead (`auth-signin`), a template that may name
    /// `$host`, `$scheme`, `$request_uri` and `$escaped_request_uri`.
    public var signin: String?
    /// The query parameter naming the original URL on `signin` (`auth-signin-redirect-param`).
    public var signinRedirectParam: String
    /// Fields of the auth service's `2xx` copied onto the upstream request (`auth-response-headers`),
    /// lower-cased.
    public var responseHeaders: [String]
    /// The subrequest's `X-Auth-Request-Redirect` (`auth-request-redirect`); the request's URI
    /// when nil, as ingress-nginx sends.
    public var requestRedirect: String?
    /// Allows kept for a while (`auth-cache-key`, `auth-cache-duration`); nil: every request asks.
    public var cache: AuthCachePolicy?
    /// TLS to the auth service (an `https://` URL): its certificate verified against the system's
    /// trust roots for the URL's host; nil: plain HTTP.
    public var tls: UpstreamTLS?
    /// How connections to the auth service are kept alive (`auth-keepalive*`); nil: one
    /// connection per check (`auth-keepalive: 0`).
    public var keepAlive: ExternalAuthKeepAlive?
    /// The auth service's `Set-Cookie` fields reach the client on every response, denials and
    /// errors included (`auth-always-set-cookie`); otherwise only an allow's, on a response whose
    /// status is a success or a redirect (nginx's `add_header` without `always`).
    public var alwaysSetCookie: Bool

    public init(
        host: String, port: Int, authority: String, target: String, method: String = "GET", signin: String? = nil,
        signinRedirectParam: String = "rd", responseHeaders: [String] = [], requestRedirect: String? = nil,
        cache: AuthCachePolicy? = nil, tls: UpstreamTLS? = nil, keepAlive: ExternalAuthKeepAlive? = ExternalAuthKeepAlive(),
        alwaysSetCookie: Bool = false
    ) {
        self.host = host
        self.port = port
        self.authority = authority
        self.target = target
        self.method = method
        self.signin = signin
        self.signinRedirectParam = signinRedirectParam
        self.responseHeaders = responseHeaders
        self.requestRedirect = requestRedirect
        self.cache = cache
        self.tls = tls
        self.keepAlive = keepAlive
        self.alwaysSetCookie = alwaysSetCookie
    }

    /// The URL's scheme, as the routing table shows it.
    public var scheme: String { tls == nil ? "http" : "https" }

    /// Parses an `http://` or `https://` `host[:port][/path[?query]]` URL (the port 80 or 443 by
    /// default); nil for anything else.
    public static func parseURL(_ text: String) -> (host: String, port: Int, authority: String, target: String, secure: Bool)? {
        let lower = text.lowercased()
        let secure = lower.hasPrefix("https://")
        guard secure || lower.hasPrefix("http://") else { return nil }
        let rest = text.dropFirst(secure ? "https://".count : "http://".count)
        let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[..<slash]
        var target = String(rest[slash...])
        if target.isEmpty { target = "/" } else if target.hasPrefix("?") { target = "/" + target }
        guard !authority.isEmpty, !authority.contains("@"), !target.contains(where: { $0 == " " || $0 == "#" }) else { return nil }
        var host = authority
        var port = secure ? 443 : 80
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let p = Int(after.dropFirst()), (1...65535).contains(p) else { return nil }
                port = p
            }
        } else if let colon = authority.lastIndex(of: ":") {
            guard let p = Int(authority[authority.index(after: colon)...]), (1...65535).contains(p) else { return nil }
            host = authority[..<colon]
            port = p
        }
        let hostChars = host.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: ":"):
                true
            default: false
            }
        }
        guard !host.isEmpty, hostChars, authority.hasPrefix("[") || !host.contains(":") else { return nil }
        return (String(host), port, String(authority), target, secure)
    }
}

/// Keep-alive connections to an external auth service (`auth-keepalive`,
/// `auth-keepalive-requests`, `auth-keepalive-timeout`). They are the event loop's upstream
/// pool's, kept as any upstream's (at most `ProxyConfiguration.upstreamMaxIdlePerEndpoint` idle
/// per endpoint and event loop, closed after `upstreamIdleTimeout`), with these limits on top.
public struct ExternalAuthKeepAlive: Hashable, Sendable {
    /// Checks one connection carries before it is closed (ingress-nginx's default 1000).
    public var maxRequests: Int
    /// Longest a connection idles between checks before it is closed instead of reused
    /// (ingress-nginx's default 60 s; the pool's own idle timeout closes it at the latest).
    public var idleTimeout: Duration

    public init(maxRequests: Int = 1000, idleTimeout: Duration = .seconds(60)) {
        self.maxRequests = maxRequests
        self.idleTimeout = idleTimeout
    }
}
