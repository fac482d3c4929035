import NIOHTTP1
import SluiceRouting

/// The pure halves of an external auth check (`ExternalAuth`): the subrequest made from the
/// client's request, and what the auth service's answer means for it. The exchange performs
/// them (`ProxiedExchange+Authorization`, over `ExternalAuthClient`).
enum ExternalAuthCheck {
    /// What the auth service's answer means.
    enum Outcome: Equatable {
        /// The request goes upstream, with these fields replacing the client's of the same names.
        case allow(HTTPHeaders)
        /// The client gets this instead (`401`, `403`, a redirect to sign in, or `500`).
        case deny(ProxyErrorResponse)
    }

    /// The original request's full URL: `scheme://host/uri` (`X-Original-URL`, the `rd` of a
    /// sign-in redirect).
    static func originalURL(_ head: HTTPRequestHead, scheme: String) -> String {
        "\(scheme)://\(head.headers.first(name: "host") ?? "")\(head.uri)"
    }

    /// The subrequest for `head` (in origin form): `auth.method` to `auth.target`, with the
    /// client's fields (its `Cookie`, `Authorization`...) but none of its framing or hop-by-hop
    /// fields and never its body (`Content-Length: 0`), and the fields ingress-nginx sends:
    /// `X-Original-URL`, `X-Original-Method`, `X-Auth-Request-Redirect`, and the forwarding
    /// fields as the upstream request gets them. The connection closes after it unless the auth
    /// service's connections are kept alive (`ExternalAuth.keepAlive`).
    static func subrequest(for head: HTTPRequestHead, auth: ExternalAuth, facts: ClientConnectionFacts) -> HTTPRequestHead {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: auth.authority)
        for (name, value) in head.headers where !replaced.contains(name.lowercased()) {
            headers.add(name: name, value: value)
        }
        headers.add(name: "X-Original-URL", value: originalURL(head, scheme: facts.proto))
        headers.add(name: "X-Original-Method", value: head.method.rawValue)
        headers.add(name: "X-Auth-Request-Redirect", value: auth.requestRedirect ?? head.uri)
        if let ip = facts.clientIP {
            let chain = head.headers["x-forwarded-for"].flatMap { $0.split(separator: ",").map { $0.trimmingSpaces() } }
            let trusted = facts.trustsForwarding && !chain.isEmpty
            headers.add(name: "X-Forwarded-For", value: trusted ? (chain + [Substring(ip)]).joined(separator: ", ") : ip)
            headers.add(
                name: "X-Real-IP", value: trusted ? RealClientAddress.text(in: chain, trusted: facts.trustedProxies) ?? ip : ip)
        }
        if let host = head.headers.first(name: "host") { headers.add(name: "X-Forwarded-Host", value: host) }
        headers.add(name: "X-Forwarded-Proto", value: facts.proto)
        headers.add(name: "Content-Length", value: "0")
        if auth.keepAlive == nil { headers.add(name: "Connection", value: "close") }
        return HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: auth.method), uri: auth.target, headers: headers)
    }

    /// The auth service's `Set-Cookie` fields, for the client's response (ingress-nginx's
    /// `$auth_cookie`): each one more `Set-Cookie` beside the upstream's.
    static func cookies(from headers: HTTPHeaders) -> [ResponseField] {
        headers["set-cookie"].map { ResponseField(name: "Set-Cookie", value: $0, combines: true) }
    }

    /// The client's fields the subrequest does not carry: framing, hop-by-hop, and those it sets.
    private static let replaced: Set<String> = [
        "host", "content-length", "transfer-encoding", "expect", "connection", "keep-alive", "proxy-connection", "te",
        "trailer", "upgrade", "x-original-url", "x-original-method", "x-auth-request-redirect", "x-forwarded-for",
        "x-real-ip", "x-forwarded-host", "x-forwarded-proto",
    ]

    /// The outcome of the auth service's answer (`status` and `headers`; nil status: no answer,
    /// a timeout or an unreachable service) for `head` under `auth`. Fails closed: only a `2xx`
    /// allows. A `401` redirects to `auth.signin` when set (as ingress-nginx, whose
    /// `error_page 401` does; a `403` is not redirected: the user is known, and refused).
    static func outcome(
        status: HTTPResponseStatus?, headers: HTTPHeaders, auth: ExternalAuth, for head: HTTPRequestHead, scheme: String
    ) -> Outcome {
        guard let status else { return .deny(.authFailed("the auth service did not answer")) }
        switch status.code {
        case 200..<300:
            var copied = HTTPHeaders()
            for name in auth.responseHeaders {
                for value in headers[name] { copied.add(name: name, value: value) }
            }
            return .allow(copied)
        case 401:
            if let signin = auth.signin {
                let location = signinLocation(signin, auth: auth, head: head, scheme: scheme)
                return .deny(ProxyErrorResponse(status: .found, message: "sign in at \(location)", closeConnection: false, location: location))
            }
            var denial = ProxyErrorResponse(status: .unauthorized, message: "authentication required", closeConnection: false)
            denial.authenticate = headers.first(name: "www-authenticate")
            return .deny(denial)
        case 403:
            return .deny(ProxyErrorResponse(status: .forbidden, message: "access denied", closeConnection: false))
        default:
            return .deny(.authFailed("the auth service answered \(status.code)"))
        }
    }

    /// `signin` with its variables expanded and, unless it names it already, the
    /// redirect parameter added with the original URL (ingress-nginx's `buildAuthSignURL`).
    static func signinLocation(_ signin: String, auth: ExternalAuth, head: HTTPRequestHead, scheme: String) -> String {
        let host = head.headers.first(name: "host") ?? ""
        var location = SigninTemplate.expand(signin, host: host, scheme: scheme, requestURI: head.uri)
        let query = location.split(separator: "?", maxSplits: 1).dropFirst().first ?? ""
        let named = query.split(separator: "&").contains { $0.hasPrefix(auth.signinRedirectParam + "=") }
        if !named {
            location += (location.contains("?") ? "&" : "?") + auth.signinRedirectParam + "="
                + SigninTemplate.escape(originalURL(head, scheme: scheme))
        }
        return location
    }
}

extension ProxyErrorResponse {
    /// External auth could not decide (the auth service failed, timed out or answered neither
    /// `2xx` nor `401`/`403`): `500`, failing closed.
    static func authFailed(_ why: String) -> ProxyErrorResponse {
        ProxyErrorResponse(status: .internalServerError, message: "external authentication failed: \(why)", closeConnection: false)
    }
}
