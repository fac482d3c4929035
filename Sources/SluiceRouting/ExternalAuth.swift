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

    public init(
        host: String, port: Int, authority: String, target: String, method: String = "GET", signin: String? = nil,
        signinRedirectParam: String = "rd", responseHeaders: [String] = [], requestRedirect: String? = nil,
        cache: AuthCachePolicy? = nil
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
    }

    /// Parses an `http://host[:port][/path[?query]]` URL; nil for anything else (`https://`
    /// included: not supported yet).
    public static func parseURL(_ text: String) -> (host: String, port: Int, authority: String, target: String)? {
        guard text.lowercased().hasPrefix("http://") else { return nil }
        let rest = text.dropFirst("http://".count)
        let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[..<slash]
        var target = String(rest[slash...])
        if target.isEmpty { target = "/" } else if target.hasPrefix("?") { target = "/" + target }
        guard !authority.isEmpty, !authority.contains("@"), !target.contains(where: { $0 == " " || $0 == "#" }) else { return nil }
        var host = authority
        var port = 80
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
        return (String(host), port, String(authority), target)
    }
}
