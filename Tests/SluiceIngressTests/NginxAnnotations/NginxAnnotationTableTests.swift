import Testing

@testable import SluiceIngress

/// `NginxAnnotation.table`, the one list of what Sluice does with each ingress-nginx annotation.
@Suite("ingress-nginx annotation table")
struct NginxAnnotationTableTests {
    /// The names ingress-nginx documents (`docs/user-guide/nginx-configuration/annotations.md`,
    /// kubernetes/ingress-nginx at dbb11b92, March 2026) and reads in
    /// `internal/ingress/annotations` without documenting them.
    static let ingressNginxNames = """
        affinity affinity-canary-behavior affinity-mode allowlist-source-range app-root auth-always-set-cookie
        auth-cache-duration auth-cache-key auth-keepalive auth-keepalive-requests auth-keepalive-share-vars
        auth-keepalive-timeout auth-method auth-proxy-set-headers auth-realm auth-request-redirect auth-response-headers
        auth-secret auth-secret-type auth-signin auth-signin-redirect-param auth-snippet auth-tls-error-page
        auth-tls-match-cn auth-tls-pass-certificate-to-upstream auth-tls-secret auth-tls-verify-client
        auth-tls-verify-depth auth-type auth-url backend-protocol canary canary-by-cookie canary-by-header
        canary-by-header-pattern canary-by-header-value canary-weight canary-weight-total client-body-buffer-size
        configuration-snippet connection-proxy-header cors-allow-credentials cors-allow-headers cors-allow-methods
        cors-allow-origin cors-expose-headers cors-max-age custom-headers custom-http-errors default-backend
        denylist-source-range disable-proxy-intercept-errors enable-access-log enable-cors enable-global-auth
        enable-modsecurity enable-opentelemetry enable-owasp-core-rules enable-rewrite-log fastcgi-index
        fastcgi-params-configmap force-ssl-redirect from-to-www-redirect http2-push-preload limit-allowlist
        limit-burst-multiplier limit-connections limit-rate limit-rate-after limit-rpm limit-rps limit-whitelist
        load-balance mirror-host mirror-request-body mirror-target modsecurity-snippet modsecurity-transaction-id
        opentelemetry-operation-name opentelemetry-trust-incoming-span permanent-redirect permanent-redirect-code
        preserve-trailing-slash proxy-body-size proxy-buffer-size proxy-buffering proxy-buffers-number
        proxy-busy-buffers-size proxy-connect-timeout proxy-cookie-domain proxy-cookie-path proxy-http-version
        proxy-max-temp-file-size proxy-next-upstream proxy-next-upstream-timeout proxy-next-upstream-tries
        proxy-read-timeout proxy-redirect-from proxy-redirect-to proxy-request-buffering proxy-send-timeout
        proxy-ssl-ciphers proxy-ssl-name proxy-ssl-protocols proxy-ssl-secret proxy-ssl-server-name proxy-ssl-verify
        proxy-ssl-verify-depth relative-redirects rewrite-target satisfy server-alias server-snippet service-upstream
        session-cookie-change-on-failure session-cookie-conditional-samesite-none session-cookie-domain
        session-cookie-expires session-cookie-max-age session-cookie-name session-cookie-path session-cookie-samesite
        session-cookie-secure ssl-ciphers ssl-passthrough ssl-prefer-server-ciphers ssl-redirect stream-snippet
        temporal-redirect temporal-redirect-code upstream-hash-by upstream-hash-by-subset upstream-hash-by-subset-size
        upstream-vhost use-port-in-redirects use-regex whitelist-source-range x-forwarded-prefix
        """.split(whereSeparator: \.isWhitespace).map(String.init)

    @Test func everyIngressNginxAnnotationHasARow() {
        #expect(Self.ingressNginxNames.count == 138)
        let names = Set(NginxAnnotation.table.map(\.name))
        #expect(Self.ingressNginxNames.filter { !names.contains($0) } == [])
    }

    @Test func namesAreUniqueAndPlain() {
        let names = NginxAnnotation.table.map(\.name)
        #expect(Set(names).count == names.count)
        #expect(names.allSatisfy { $0.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" } })
    }

    /// A row honoured with any value is exactly an alias `AnnotationPolicyReader` reads.
    @Test func everyRowHonouredWithAnyValueIsReadByTheAnnotationReader() {
        let honoured = NginxAnnotation.table.filter { $0.support != .unsupported && $0.acceptedValues.isEmpty }
        #expect(Set(honoured.map { NginxAnnotation.prefix + $0.name }) == IngressAnnotations.nginxAliases)
        #expect(NginxAnnotation.table.filter { $0.support == .supported }.allSatisfy { $0.acceptedValues.isEmpty })
    }

    @Test func acceptedValuesAreLowerCase() {
        let values = NginxAnnotation.table.flatMap(\.acceptedValues)
        #expect(values.allSatisfy { $0 == $0.lowercased() })
    }

    /// Authentication, client certificates, source ranges, `satisfy`, ModSecurity and per-client
    /// request limits guard access; what only loosens a limit, or shapes traffic, does not.
    @Test func whatGuardsAccess() throws {
        for row in NginxAnnotation.table where row.name.hasPrefix("auth-") || row.name.hasSuffix("-source-range") {
            #expect(row.accessGuard == .always, "\(row.name)")
        }
        for name in [
            "satisfy", "enable-modsecurity", "enable-owasp-core-rules", "modsecurity-snippet", "enable-global-auth",
            "limit-rps", "limit-rpm", "limit-connections", "global-rate-limit",
        ] {
            #expect(try #require(NginxAnnotation.named(name)).accessGuard == .always, "\(name)")
        }
        for name in [
            "limit-burst-multiplier", "limit-allowlist", "limit-whitelist", "limit-rate", "proxy-body-size",
            "ssl-redirect", "rewrite-target", "canary", "proxy-ssl-verify", "modsecurity-transaction-id",
        ] {
            #expect(try #require(NginxAnnotation.named(name)).accessGuard == .never, "\(name)")
        }
        for name in ["configuration-snippet", "server-snippet", "stream-snippet"] {
            #expect(try #require(NginxAnnotation.named(name)).accessGuard == .unlessHarmlessSnippet, "\(name)")
        }
    }

    @Test func honouredValues() throws {
        let push = try #require(NginxAnnotation.named("http2-push-preload"))
        #expect(push.honours("false") && push.honours("False") && push.honours("0"))
        #expect(!push.honours("true") && !push.honours(""))
        #expect(try #require(NginxAnnotation.named("ssl-redirect")).honours("true"), "supported: read by the policy reader")
        #expect(try #require(NginxAnnotation.named("proxy-read-timeout")).honours("anything the reader judges"))
        #expect(!(try #require(NginxAnnotation.named("auth-proxy-set-headers")).honours("")))
    }
}
