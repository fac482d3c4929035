/// The annotation names Sluice reads. Every `sluice.io/` name not listed here is reported as
/// unknown (most likely a typo); `nginx.ingress.kubernetes.io/` aliases are read for the
/// settings that have one. What happens to the other `nginx.ingress.kubernetes.io/` names is
/// `NginxAnnotation.table`'s to say.
public enum IngressAnnotations {
    public static let sluicePrefix = "sluice.io/"
    public static let nginxPrefix = "nginx.ingress.kubernetes.io/"

    /// `key` without its `sluice.io/` or ingress-nginx prefix (`proxy-read-timeout`): both
    /// spellings of a setting are one setting.
    static func settingName(_ key: String) -> String {
        for prefix in [sluicePrefix, nginxPrefix] where key.hasPrefix(prefix) { return String(key.dropFirst(prefix.count)) }
        return key
    }

    public static let ssePaths = "sluice.io/sse-paths"
    public static let proxyConnectTimeout = "sluice.io/proxy-connect-timeout"
    public static let proxyReadTimeout = "sluice.io/proxy-read-timeout"
    public static let proxySendTimeout = "sluice.io/proxy-send-timeout"
    public static let maxStreamDuration = "sluice.io/max-stream-duration"
    public static let proxyBuffering = "sluice.io/proxy-buffering"
    public static let compression = "sluice.io/compression"
    public static let sslRedirect = "sluice.io/ssl-redirect"
    public static let forceSSLRedirect = "sluice.io/force-ssl-redirect"
    public static let allowlistSourceRange = "sluice.io/allowlist-source-range"
    public static let denylistSourceRange = "sluice.io/denylist-source-range"
    public static let backendProtocol = "sluice.io/backend-protocol"
    public static let proxySSLName = "sluice.io/proxy-ssl-name"
    public static let proxySSLVerify = "sluice.io/proxy-ssl-verify"
    public static let proxySSLSecret = "sluice.io/proxy-ssl-secret"
    public static let enableCORS = "sluice.io/enable-cors"
    public static let corsAllowOrigin = "sluice.io/cors-allow-origin"
    public static let corsAllowMethods = "sluice.io/cors-allow-methods"
    public static let corsAllowHeaders = "sluice.io/cors-allow-headers"
    public static let corsExposeHeaders = "sluice.io/cors-expose-headers"
    public static let corsAllowCredentials = "sluice.io/cors-allow-credentials"
    public static let corsMaxAge = "sluice.io/cors-max-age"
    public static let responseHeaders = "sluice.io/response-headers"
    public static let requestHeaders = "sluice.io/request-headers"
    public static let securityHeaders = "sluice.io/security-headers"
    public static let contentSecurityPolicy = "sluice.io/content-security-policy"
    public static let proxyBodySize = "sluice.io/proxy-body-size"
    public static let limitConnections = "sluice.io/limit-connections"
    public static let maxStreams = "sluice.io/max-streams"
    public static let limitRPS = "sluice.io/limit-rps"
    public static let limitRPM = "sluice.io/limit-rpm"
    public static let limitBurstMultiplier = "sluice.io/limit-burst-multiplier"
    public static let limitAllowlist = "sluice.io/limit-allowlist"
    public static let loadBalance = "sluice.io/load-balance"
    public static let upstreamHashBy = "sluice.io/upstream-hash-by"

    public static let nginxProxyConnectTimeout = "nginx.ingress.kubernetes.io/proxy-connect-timeout"
    public static let nginxProxyReadTimeout = "nginx.ingress.kubernetes.io/proxy-read-timeout"
    public static let nginxProxySendTimeout = "nginx.ingress.kubernetes.io/proxy-send-timeout"
    public static let nginxProxyBuffering = "nginx.ingress.kubernetes.io/proxy-buffering"
    public static let nginxSSLRedirect = "nginx.ingress.kubernetes.io/ssl-redirect"
    public static let nginxForceSSLRedirect = "nginx.ingress.kubernetes.io/force-ssl-redirect"
    public static let nginxAllowlistSourceRange = "nginx.ingress.kubernetes.io/allowlist-source-range"
    public static let nginxWhitelistSourceRange = "nginx.ingress.kubernetes.io/whitelist-source-range"
    public static let nginxDenylistSourceRange = "nginx.ingress.kubernetes.io/denylist-source-range"
    public static let nginxBackendProtocol = "nginx.ingress.kubernetes.io/backend-protocol"
    public static let nginxProxySSLName = "nginx.ingress.kubernetes.io/proxy-ssl-name"
    public static let nginxProxySSLVerify = "nginx.ingress.kubernetes.io/proxy-ssl-verify"
    public static let nginxProxySSLSecret = "nginx.ingress.kubernetes.io/proxy-ssl-secret"
    public static let nginxEnableCORS = "nginx.ingress.kubernetes.io/enable-cors"
    public static let nginxCORSAllowOrigin = "nginx.ingress.kubernetes.io/cors-allow-origin"
    public static let nginxCORSAllowMethods = "nginx.ingress.kubernetes.io/cors-allow-methods"
    public static let nginxCORSAllowHeaders = "nginx.ingress.kubernetes.io/cors-allow-headers"
    public static let nginxCORSExposeHeaders = "nginx.ingress.kubernetes.io/cors-expose-headers"
    public static let nginxCORSAllowCredentials = "nginx.ingress.kubernetes.io/cors-allow-credentials"
    public static let nginxCORSMaxAge = "nginx.ingress.kubernetes.io/cors-max-age"

    /// The `cors-*` settings beside `enable-cors`, each with its alias.
    static let corsSettings: [(sluice: String, nginx: String)] = [
        (corsAllowOrigin, nginxCORSAllowOrigin), (corsAllowMethods, nginxCORSAllowMethods),
        (corsAllowHeaders, nginxCORSAllowHeaders), (corsExposeHeaders, nginxCORSExposeHeaders),
        (corsAllowCredentials, nginxCORSAllowCredentials), (corsMaxAge, nginxCORSMaxAge),
    ]
    public static let nginxProxyBodySize = "nginx.ingress.kubernetes.io/proxy-body-size"
    public static let nginxLimitConnections = "nginx.ingress.kubernetes.io/limit-connections"
    public static let nginxLimitRPS = "nginx.ingress.kubernetes.io/limit-rps"
    public static let nginxLimitRPM = "nginx.ingress.kubernetes.io/limit-rpm"
    public static let nginxLimitBurstMultiplier = "nginx.ingress.kubernetes.io/limit-burst-multiplier"
    public static let nginxLimitAllowlist = "nginx.ingress.kubernetes.io/limit-allowlist"
    public static let nginxLimitWhitelist = "nginx.ingress.kubernetes.io/limit-whitelist"
    public static let nginxLoadBalance = "nginx.ingress.kubernetes.io/load-balance"
    public static let nginxUpstreamHashBy = "nginx.ingress.kubernetes.io/upstream-hash-by"

    public static let known: Set<String> = Set([
        ssePaths, proxyConnectTimeout, proxyReadTimeout, proxySendTimeout, maxStreamDuration,
        proxyBuffering, compression, sslRedirect, forceSSLRedirect, allowlistSourceRange, denylistSourceRange,
        backendProtocol, proxySSLName, proxySSLVerify, proxySSLSecret,
        enableCORS, corsAllowOrigin, corsAllowMethods, corsAllowHeaders, corsExposeHeaders, corsAllowCredentials, corsMaxAge,
        responseHeaders, requestHeaders, securityHeaders, contentSecurityPolicy,
        proxyBodySize, limitConnections, maxStreams, limitRPS, limitRPM, limitBurstMultiplier, limitAllowlist,
        loadBalance, upstreamHashBy,
    ]).union(externalAuth.map { sluicePrefix + $0 }).union(clientCertificate.map { sluicePrefix + $0 })
        .union(basicAuth.map { sluicePrefix + $0 }).union(redirects.map { sluicePrefix + $0 })
        .union(canary.map { sluicePrefix + $0 }).union(sessionAffinity.map { sluicePrefix + $0 })
        .union(retriesAndErrors.map { sluicePrefix + $0 })

    /// The ingress-nginx annotations `AnnotationPolicyReader` reads as aliases: the rows of
    /// `NginxAnnotation.table` honoured with any valid value.
    static let nginxAliases: Set<String> = Set([
        nginxProxyConnectTimeout, nginxProxyReadTimeout, nginxProxySendTimeout, nginxProxyBuffering,
        nginxSSLRedirect, nginxForceSSLRedirect, nginxAllowlistSourceRange, nginxWhitelistSourceRange,
        nginxDenylistSourceRange, nginxBackendProtocol, nginxProxySSLName, nginxProxySSLVerify, nginxProxySSLSecret,
        nginxEnableCORS, nginxCORSAllowOrigin, nginxCORSAllowMethods, nginxCORSAllowHeaders, nginxCORSExposeHeaders,
        nginxCORSAllowCredentials, nginxCORSMaxAge,
        nginxProxyBodySize, nginxLimitConnections, nginxLimitRPS, nginxLimitRPM, nginxLimitBurstMultiplier,
        nginxLimitAllowlist, nginxLimitWhitelist, nginxLoadBalance, nginxUpstreamHashBy,
    ]).union(externalAuth.map { nginxPrefix + $0 }).union(clientCertificate.map { nginxPrefix + $0 })
        .union(basicAuth.map { nginxPrefix + $0 }).union(redirects.map { nginxPrefix + $0 })
        .union(canary.map { nginxPrefix + $0 }).union(sessionAffinity.map { nginxPrefix + $0 })
        .union(retriesAndErrors.map { nginxPrefix + $0 })

    /// The external auth settings (`AnnotationPolicyReader+ExternalAuth`), under both prefixes.
    static let externalAuth = [
        "auth-url", "auth-method", "auth-signin", "auth-signin-redirect-param", "auth-response-headers", "auth-request-redirect",
        "auth-cache-key", "auth-cache-duration", "auth-keepalive", "auth-keepalive-requests", "auth-keepalive-timeout",
        "auth-keepalive-share-vars", "auth-always-set-cookie",
    ]

    /// The client certificate settings (`AnnotationPolicyReader+ClientCertificate`), under both
    /// prefixes.
    static let clientCertificate = [
        "auth-tls-secret", "auth-tls-verify-client", "auth-tls-verify-depth", "auth-tls-pass-certificate-to-upstream",
        "auth-tls-error-page",
    ]

    /// The basic authentication settings (`AnnotationPolicyReader+BasicAuth`), under both prefixes.
    static let basicAuth = ["auth-type", "auth-secret", "auth-secret-type", "auth-realm"]

    /// The canary settings (`AnnotationPolicyReader+Canary`), `canary` first, under both prefixes
    /// (`canary-by-header-pattern` is not one: `NginxAnnotation.table` reports it).
    static let canary = [
        "canary", "canary-by-header", "canary-by-header-value", "canary-by-cookie", "canary-weight", "canary-weight-total",
    ]

    /// The redirect, rewrite and upstream-request settings (`AnnotationPolicyReader+Redirect`,
    /// `+Rewrite`), under both prefixes.
    static let redirects = [
        "temporal-redirect", "temporal-redirect-code", "permanent-redirect", "permanent-redirect-code", "app-root",
        "upstream-vhost", "x-forwarded-prefix", "rewrite-target", "use-regex", "from-to-www-redirect",
    ]

    /// The sticky session settings (`AnnotationPolicyReader+SessionAffinity`), under both
    /// prefixes.
    static let sessionAffinity = [
        "affinity", "affinity-mode", "session-cookie-name", "session-cookie-path", "session-cookie-max-age",
        "session-cookie-expires", "session-cookie-samesite", "session-cookie-secure", "session-cookie-change-on-failure",
    ]

    /// Retries on another endpoint and error pages (`AnnotationPolicyReader+Retry`), under both
    /// prefixes.
    static let retriesAndErrors = [
        "proxy-next-upstream", "proxy-next-upstream-tries", "proxy-next-upstream-timeout", "custom-http-errors",
        "default-backend",
    ]

    /// The Service the `default-backend` annotation names, valid or not (`sluice.io/` first):
    /// what an Ingress's translation may read, for the incremental translator.
    static func defaultBackendService(_ annotations: [String: String]) -> String? {
        annotations[sluicePrefix + "default-backend"] ?? annotations[nginxPrefix + "default-backend"]
    }
}
