/// A stable, human-readable rendering of a `RoutingTable`, one route per line in table order,
/// then the default backend on its own line. Used by golden-file tests and
/// `sluice serve --print-routes`.
///
/// ```
/// foo.com =/exact -> default/svc:80 [10.0.0.1:8080 10.0.0.2:8080] read=60s stream-idle=1h sse=/api/chat from=default/web
/// *.foo.com / -> default/svc:80 [] from=default/web
/// api.foo.com / -> default/api:443 [10.0.0.4:8443] upstream=https tls-name=api.default.svc verify=off from=default/api
/// bar.com / -> default/admin:80 [10.0.0.3:8080] refused="unsupported access-control annotations: auth-url" from=default/admin
/// default -> default/fallback:80 [10.0.0.9:8080] from=default/catch-all
/// tls foo.com default/foo-tls sha256:3f2a9c0d1e4b5a67
/// tls *.foo.com default/wild-tls sha256:0badc0ffee123456
/// tls default default/fallback-tls sha256:77aa00bb11cc22dd
/// ```
///
/// Host `*` means any host; paths are `PathMatch.text` (`=` marks Exact). Only policy fields that
/// differ from `RoutePolicy.default` are shown; `refused="…"` marks a route that fails closed.
/// `from=` names the Ingress the route came from; `| canary -> …` its canary (backend, what
/// sends a request there, the canary Ingress). Certificates follow, one `tls` line per host in
/// name order, named by their Secret and fingerprint (never their key).
public enum RoutingTableText {
    public static func render(_ table: RoutingTable) -> String {
        var lines = table.routes.map { route in
            "\(route.host.text) \(route.path.text) -> \(describe(route))"
        }
        if let fallback = table.defaultBackend {
            lines.append("default -> \(describe(fallback))")
        }
        let certificates = table.certificates
        lines += certificates.exact.sorted { $0.key < $1.key }.map { "tls \($0.key) \($0.value)" }
        lines += certificates.wildcard.sorted { $0.key < $1.key }.map { "tls *\($0.key) \($0.value)" }
        if let fallback = certificates.defaultCertificate { lines.append("tls default \(fallback)") }
        return lines.map { $0 + "\n" }.joined()
    }

    private static func describe(_ route: Route) -> String {
        let endpoints = route.backend.endpoints.map(\.description).joined(separator: " ")
        var parts = ["\(route.backend.name) [\(endpoints)]"]
        parts += policyFields(route.policy)
        if let fallback = route.defaultBackend {
            parts.append("default-backend=\(fallback.name) [\(fallback.endpoints.map(\.description).joined(separator: " "))]")
        }
        parts.append("from=\(route.source)")
        if let canary = route.canary {
            let rule = canary.rule
            var fields = ["canary -> \(canary.backend.name) [\(canary.backend.endpoints.map(\.description).joined(separator: " "))]"]
            if let header = rule.header { fields.append("by-header=\(header)" + (rule.headerValue.map { "=\($0)" } ?? "")) }
            if let cookie = rule.cookie { fields.append("by-cookie=\(cookie)") }
            if rule.weight > 0 { fields.append("weight=\(rule.weight)/\(rule.weightTotal)") }
            fields.append("from=\(canary.source)")
            parts.append("|")
            parts += fields
        }
        return parts.joined(separator: " ")
    }

    /// `key=value` for each field that differs from the default, in a fixed order.
    public static func policyFields(_ policy: RoutePolicy) -> [String] {
        let base = RoutePolicy.default
        var fields: [String] = []
        if policy.connectTimeout != base.connectTimeout { fields.append("connect=\(format(policy.connectTimeout))") }
        if policy.readTimeout != base.readTimeout { fields.append("read=\(format(policy.readTimeout))") }
        if policy.streamIdleTimeout != base.streamIdleTimeout {
            fields.append("stream-idle=\(format(policy.streamIdleTimeout))")
        }
        if policy.sendTimeout != base.sendTimeout { fields.append("send=\(format(policy.sendTimeout))") }
        if let cap = policy.maxStreamDuration { fields.append("max-stream=\(format(cap))") }
        if !policy.eventStreamPaths.isEmpty {
            fields.append("sse=" + policy.eventStreamPaths.map { $0.isEmpty ? "/" : $0 }.joined(separator: ","))
        }
        if policy.buffering != base.buffering { fields.append("buffering=\(policy.buffering ? "on" : "off")") }
        if policy.compression != base.compression { fields.append("compression=\(policy.compression ? "on" : "off")") }
        if policy.sslRedirect != base.sslRedirect { fields.append("ssl-redirect=\(policy.sslRedirect ? "on" : "off")") }
        if policy.forceSSLRedirect != base.forceSSLRedirect {
            fields.append("force-ssl-redirect=\(policy.forceSSLRedirect ? "on" : "off")")
        }
        if let ranges = policy.sourceRanges {
            if !ranges.allow.isEmpty { fields.append("allow=" + ranges.allow.map(\.description).joined(separator: ",")) }
            if !ranges.deny.isEmpty { fields.append("deny=" + ranges.deny.map(\.description).joined(separator: ",")) }
        }
        if policy.upstreamProtocol != base.upstreamProtocol { fields += upstreamFields(policy.upstreamProtocol) }
        switch policy.loadBalancing {
        case .roundRobin: break
        case .leastStreams, .ewma: fields.append("balance=\(policy.loadBalancing.text)")
        case .hash: fields.append("hash-by=\"\(policy.loadBalancing.text)\"")
        }
        if let affinity = policy.sessionAffinity { fields += affinityFields(affinity) }
        fields += retryFields(policy)
        fields += headerFields(policy)
        if let size = policy.maxRequestBodyBytes { fields.append("body-size=\(size)") }
        if let limits = policy.clientLimits { fields += clientLimitFields(limits) }
        if let auth = policy.externalAuth { fields += externalAuthFields(auth) }
        if let mTLS = policy.clientCertificate { fields += clientCertificateFields(mTLS) }
        if let basic = policy.basicAuth { fields += ["basic-auth=\(basic.secret)", "basic-auth-users=\(basic.users.count)"] }
        if let always = policy.redirect?.always { fields.append("redirect=\(always.status):\(always.location.text)") }
        if let appRoot = policy.redirect?.appRoot { fields.append("app-root=\(appRoot)") }
        if let rewrite = policy.rewrite { fields.append("rewrite=\(rewrite.text)") }
        if policy.regexPaths { fields.append("use-regex") }
        if let refusal = policy.refusal { fields.append("refused=\"\(refusal.reason)\"") }
        return fields
    }

    /// `next-upstream=error,timeout,http_502 tries=5 retry-within=10s custom-errors=404,503`: the
    /// fields that differ from ingress-nginx's retry defaults, and the replaced statuses.
    private static func retryFields(_ policy: RoutePolicy) -> [String] {
        let (retry, base) = (policy.retry, RetryPolicy.default)
        var fields: [String] = []
        if retry.conditions != base.conditions {
            fields.append("next-upstream=" + retry.conditionWords.joined(separator: ","))
        }
        if retry.tries != base.tries { fields.append("tries=\(retry.tries)") }
        if let timeout = retry.timeout { fields.append("retry-within=\(format(timeout))") }
        if !policy.customHTTPErrors.isEmpty {
            fields.append("custom-errors=" + policy.customHTTPErrors.map(String.init).joined(separator: ","))
        }
        return fields
    }

    /// `affinity=balanced:INGRESSCOOKIE cookie-path=/ cookie-max-age=3600 …`: sticky sessions
    /// (the token key is never shown).
    private static func affinityFields(_ affinity: SessionAffinity) -> [String] {
        var fields = ["affinity=\(affinity.mode.rawValue):\(affinity.cookieName)"]
        if let path = affinity.path { fields.append("cookie-path=\(path)") }
        if let maxAge = affinity.maxAge { fields.append("cookie-max-age=\(maxAge)") }
        if let expires = affinity.expires { fields.append("cookie-expires=\(expires)") }
        if let sameSite = affinity.sameSite { fields.append("cookie-samesite=\(sameSite)") }
        if let secure = affinity.secure { fields.append("cookie-secure=\(secure ? "on" : "off")") }
        if affinity.changeOnFailure { fields.append("cookie-change-on-failure") }
        return fields
    }

    /// `in-flight=4 rate=5/1s+25 limit-exempt=10.0.0.0/8`: the per-client limits.
    private static func clientLimitFields(_ limits: ClientLimits) -> [String] {
        var fields: [String] = []
        if let cap = limits.maxInFlight { fields.append("in-flight=\(cap)") }
        for rate in limits.rates { fields.append("rate=\(rate.requests)/\(format(rate.period))+\(rate.burst)") }
        if !limits.exempt.isEmpty { fields.append("limit-exempt=" + limits.exempt.map(\.description).joined(separator: ",")) }
        return fields
    }

    /// `upstream=https tls-name=web.default.svc verify=on ca=fnv:…`: the backend protocol by its
    /// annotation name, and the TLS settings (the trusted certificates by a digest of their PEM).
    private static func upstreamFields(_ upstream: UpstreamProtocol) -> [String] {
        let name = switch (upstream.version, upstream.tls != nil, upstream.grpc) {
        case (.http1, false, _): "http"
        case (.http1, true, _): "https"
        case (.http2, false, false): "h2c"
        case (.http2, true, false): "h2"
        case (.http2, false, true): "grpc"
        case (.http2, true, true): "grpcs"
        }
        var fields = ["upstream=\(name)"]
        if let tls = upstream.tls {
            if let serverName = tls.serverName { fields.append("tls-name=\(serverName)") }
            fields.append("verify=\(tls.verify ? "on" : "off")")
            if let pem = tls.trustedCertificatesPEM { fields.append("ca=fnv:\(digest(pem))") }
        }
        return fields
    }

    /// FNV-1a (64 bits) of `text` in hex.
    private static func digest(_ text: String) -> String {
        var hash = FNV1a()
        hash.add(text.utf8)
        let hex = String(hash.value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The largest whole unit: `1h`, `5m`, `30s`, `1500ms`; anything finer in nanoseconds.
    public static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        if attoseconds == 0 {
            if seconds != 0 && seconds % 3600 == 0 { return "\(seconds / 3600)h" }
            if seconds != 0 && seconds % 60 == 0 { return "\(seconds / 60)m" }
            return "\(seconds)s"
        }
        if attoseconds % 1_000_000_000_000_000 == 0 {
            return "\(seconds * 1000 + attoseconds / 1_000_000_000_000_000)ms"
        }
        return "\(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)ns"
    }
}
