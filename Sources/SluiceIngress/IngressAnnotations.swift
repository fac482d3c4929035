/// The annotation names Sluice reads. Every `sluice.io/` name not listed here is reported as
/// unknown (most likely a typo); `nginx.ingress.kubernetes.io/` aliases are read for the
/// settings that have one. What happens to the other `nginx.ingress.kubernetes.io/` names is
/// `NginxAnnotation.table`'s to say.
public enum IngressAnnotations {
    public static let sluicePrefix = "sluice.io/"
    public static let nginxPrefix = "nginx.ingress.kubernetes.io/"

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

    public static let known: Set<String> = Set([
        ssePaths, proxyConnectTimeout, proxyReadTimeout, proxySendTimeout, maxStreamDuration,
        proxyBuffering, compression, sslRedirect, forceSSLRedirect, allowlistSourceRange, denylistSourceRange,
        backendProtocol, proxySSLName, proxySSLVerify, proxySSLSecret,
    ]).union(externalAuth.map { sluicePrefix + $0 })

    /// The ingress-nginx annotations `AnnotationPolicyReader` reads as aliases: the rows of
    /// `NginxAnnotation.table` honoured with any valid value.
    static let nginxAliases: Set<String> = Set([
        nginxProxyConnectTimeout, nginxProxyReadTimeout, nginxProxySendTimeout, nginxProxyBuffering,
        nginxSSLRedirect, nginxForceSSLRedirect, nginxAllowlistSourceRange, nginxWhitelistSourceRange,
        nginxDenylistSourceRange, nginxBackendProtocol, nginxProxySSLName, nginxProxySSLVerify, nginxProxySSLSecret,
    ]).union(externalAuth.map { nginxPrefix + $0 })

    /// The external auth settings (`AnnotationPolicyReader+ExternalAuth`), under both prefixes.
    static let externalAuth = [
        "auth-url", "auth-method", "auth-signin", "auth-signin-redirect-param", "auth-response-headers", "auth-request-redirect",
        "auth-cache-key", "auth-cache-duration",
    ]
}
