import SluiceRouting

/// External auth: `auth-url` turns it on; `auth-method`, `auth-signin`,
/// `auth-signin-redirect-param`, `auth-response-headers` and `auth-request-redirect` shape it;
/// `auth-keepalive*` and `auth-always-set-cookie`, which do not guard access, tune it (a bad
/// value is reported and the default used).
/// Each is read from `sluice.io/<name>`, else its ingress-nginx alias. It guards access, so a bad
/// value of any of them fails every route of the Ingress closed (503), and a bad `sluice.io/`
/// value is not replaced by its alias. Without `auth-url` the others are reported and unused.
extension AnnotationPolicyReader {
    mutating func readExternalAuth(into policy: inout RoutePolicy) {
        typealias G = ExternalAuthGrammars
        var invalid: [String] = []
        let url = guardedSetting("auth-url", G.urlAccepted, G.url, invalid: &invalid)
        let method = guardedSetting("auth-method", G.methodAccepted, G.method, invalid: &invalid)
        let signin = guardedSetting("auth-signin", G.signinAccepted, G.signin, invalid: &invalid)
        let param = guardedSetting("auth-signin-redirect-param", G.tokenAccepted, G.token, invalid: &invalid)
        let headers = guardedSetting("auth-response-headers", G.headerListAccepted, G.headerList, invalid: &invalid)
        let redirect = guardedSetting("auth-request-redirect", G.redirectAccepted, G.redirect, invalid: &invalid)
        if !invalid.isEmpty {
            policy.refusal = policy.refusal ?? RouteRefusal(reason: "invalid \(invalid.joined(separator: ", "))")
            return
        }
        guard let url else {
            let ignored = [method != nil, signin != nil, param != nil, headers != nil, redirect != nil]
            if ignored.contains(true) {
                report(IngressProblem(
                    reason: DiagnosticReason.ineffectiveAnnotation,
                    message: "auth-* annotations without auth-url are ignored: no external authentication is done"))
            }
            return
        }
        policy.externalAuth = ExternalAuth(
            host: url.host, port: url.port, authority: url.authority, target: url.target, method: method ?? "GET",
            signin: signin, signinRedirectParam: param ?? "rd", responseHeaders: headers ?? [], requestRedirect: redirect,
            cache: readAuthCache(),
            // Verified, unlike ingress-nginx (no `proxy_ssl_verify` for auth): an unverified
            // service could be impersonated into allowing anyone.
            tls: url.secure ? UpstreamTLS(serverName: url.host, verify: true) : nil,
            keepAlive: readAuthKeepAlive(), alwaysSetCookie: authSetting("auth-always-set-cookie", BooleanGrammar.accepted, BooleanGrammar.parse) ?? false)
    }

    /// A setting that does not guard access: `sluice.io/<name>`, else its alias; a bad value is
    /// reported and the default used.
    private mutating func authSetting<Value>(
        _ name: String, _ accepted: String, _ parse: @escaping (String) -> Result<Value, GrammarFailure>
    ) -> Value? {
        aliasedSetting(name, Grammar(accepted: accepted, parse: parse))
    }

    /// `auth-keepalive` (`0`: a connection per check; any other count keeps connections alive,
    /// as many idle as the pool keeps per endpoint), `auth-keepalive-requests` and
    /// `auth-keepalive-timeout` (whole seconds). Unlike ingress-nginx, connections are kept alive
    /// without `auth-keepalive`. `auth-keepalive-share-vars` is read for its value only: Sluice's
    /// check shares no variables with the request.
    private mutating func readAuthKeepAlive() -> ExternalAuthKeepAlive? {
        let positive = { (text: String) -> Result<Int, GrammarFailure> in
            CountGrammar.parse(text).flatMap { $0 > 0 ? .success($0) : .failure(GrammarFailure("0 requests")) }
        }
        let seconds = { (text: String) in DurationGrammar.parseSeconds(text) }
        let connections = authSetting("auth-keepalive", CountGrammar.accepted, CountGrammar.parse)
        let requests = authSetting("auth-keepalive-requests", "a whole number from 1 to 1000000", positive)
        let timeout = authSetting("auth-keepalive-timeout", DurationGrammar.acceptedSeconds, seconds)
        _ = authSetting("auth-keepalive-share-vars", BooleanGrammar.accepted, BooleanGrammar.parse)
        if connections == 0 { return nil }
        var keepAlive = ExternalAuthKeepAlive()
        if let requests { keepAlive.maxRequests = requests }
        if let timeout { keepAlive.idleTimeout = timeout }
        return keepAlive
    }

    /// `auth-cache-key` and `auth-cache-duration` (`200 202 5m` by default, ingress-nginx's without
    /// its `401`: only allows are cached). A bad value is reported and nothing is cached: every
    /// request is checked, which guards as much.
    private mutating func readAuthCache() -> AuthCachePolicy? {
        typealias G = ExternalAuthGrammars
        let (sluice, nginx) = (IngressAnnotations.sluicePrefix, IngressAnnotations.nginxPrefix)
        let noCache = "ignored: nothing is cached, every request is checked"
        let keys = Grammar(accepted: G.cacheKeyAccepted, parse: G.cacheKey)
        let durations = Grammar(accepted: G.cacheDurationAccepted, parse: G.cacheDuration)
        let keyPresent = annotations[sluice + "auth-cache-key"] != nil || annotations[nginx + "auth-cache-key"] != nil
        guard keyPresent else { return nil }
        guard let key = parsed(sluice + "auth-cache-key", keys, consequence: noCache)
            ?? parsed(nginx + "auth-cache-key", keys, consequence: noCache)
        else { return nil }
        let durationPresent = annotations[sluice + "auth-cache-duration"] != nil || annotations[nginx + "auth-cache-duration"] != nil
        let duration = parsed(sluice + "auth-cache-duration", durations, consequence: noCache)
            ?? parsed(nginx + "auth-cache-duration", durations, consequence: noCache)
        if durationPresent, duration == nil { return nil }
        let (statuses, lifetime) = duration ?? ([200, 202], .seconds(300))
        return statuses.isEmpty ? nil : AuthCachePolicy(key: key, statuses: statuses, duration: lifetime)
    }
}
