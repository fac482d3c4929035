extension RoutingTableText {
    /// `auth=http://auth:4180/check auth-method=POST auth-signin=… auth-headers=x-user`: the
    /// external auth settings, those left at their defaults omitted.
    static func externalAuthFields(_ auth: ExternalAuth) -> [String] {
        var fields = ["auth=\(auth.scheme)://\(auth.authority)\(auth.target)"]
        if auth.method != "GET" { fields.append("auth-method=\(auth.method)") }
        if let signin = auth.signin { fields.append("auth-signin=\(signin)") }
        if auth.signinRedirectParam != "rd" { fields.append("auth-rd=\(auth.signinRedirectParam)") }
        if !auth.responseHeaders.isEmpty { fields.append("auth-headers=\(auth.responseHeaders.joined(separator: ","))") }
        if let redirect = auth.requestRedirect { fields.append("auth-request-redirect=\(redirect)") }
        if let cache = auth.cache {
            let statuses = cache.statuses.sorted().map(String.init).joined(separator: ",")
            fields.append("auth-cache=\(statuses)/\(cache.duration.components.seconds)s")
        }
        if let keepAlive = auth.keepAlive {
            if keepAlive != ExternalAuthKeepAlive() {
                fields.append("auth-keepalive=\(keepAlive.maxRequests)/\(keepAlive.idleTimeout.components.seconds)s")
            }
        } else {
            fields.append("auth-keepalive=off")
        }
        if auth.alwaysSetCookie { fields.append("auth-always-set-cookie") }
        return fields
    }
}
