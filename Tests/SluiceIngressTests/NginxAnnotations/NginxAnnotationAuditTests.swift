import SluiceRouting
import Testing

@testable import SluiceIngress

/// `NginxAnnotationAudit`: one Ingress's ingress-nginx annotations → at most one Warning, and a
/// refusal for its routes where an annotation Sluice does not honour guarded access.
@Suite("ingress-nginx annotation audit")
struct NginxAnnotationAuditTests {
    private static func nginx(_ pairs: [String: String]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: pairs.map { ("nginx.ingress.kubernetes.io/" + $0.key, $0.value) })
    }

    @Test func honouredAnnotationsAndOtherPrefixesSayNothing() {
        var annotations = Self.nginx([
            "proxy-read-timeout": "3600", "proxy-buffering": "on", "ssl-redirect": "false", "use-regex": "FALSE",
            "enable-modsecurity": "false", "auth-tls-verify-client": "off", "satisfy": "all",
        ])
        annotations["sluice.io/sse-paths"] = "/chat"
        annotations["kubernetes.io/ingress.class"] = "sluice"
        annotations["example.com/nginx.ingress.kubernetes.io/auth-url"] = "x"
        let audit = NginxAnnotationAudit(annotations)
        #expect(audit.problem(allowingUnsupportedSecurity: false) == nil)
        #expect(audit.refusal(allowingUnsupportedSecurity: false) == nil)
    }

    @Test func unsupportedAnnotationsAreNamedInOneWarningAndServed() throws {
        let audit = NginxAnnotationAudit(Self.nginx([
            "proxy-redirect-from": "/old", "ssl-redirect": "true", "http2-push-preload": "true", "proxy-body-size": "8m",
            "configuration-snippet": #"more_set_headers "X-Frame-Options: DENY";"#,
        ]))
        #expect(audit.refusal(allowingUnsupportedSecurity: false) == nil)
        let problem = try #require(audit.problem(allowingUnsupportedSecurity: false))
        #expect(problem.reason == "UnsupportedAnnotation")
        #expect(problem.message == """
            nginx.ingress.kubernetes.io annotations not supported by Sluice: configuration-snippet, http2-push-preload="true", \
            proxy-redirect-from
            """)
    }

    @Test func annotationsGuardingAccessMakeTheRoutesFailClosed() throws {
        let audit = NginxAnnotationAudit(Self.nginx([
            "limit-rps": "5", "auth-proxy-set-headers": "default/h", "proxy-request-buffering": "on",
            "enable-modsecurity": "true",
        ]))
        #expect(audit.guarding == ["auth-proxy-set-headers", "enable-modsecurity"], "limit-rps is supported")
        #expect(audit.refusal(allowingUnsupportedSecurity: false) == RouteRefusal(
            reason: "unsupported access-control annotations: auth-proxy-set-headers, enable-modsecurity"))
        let problem = try #require(audit.problem(allowingUnsupportedSecurity: false))
        #expect(problem.message == """
            nginx.ingress.kubernetes.io annotations not supported by Sluice: auth-proxy-set-headers, \
            enable-modsecurity="true", proxy-request-buffering="on"; auth-proxy-set-headers, enable-modsecurity \
            guarded access: every route of this Ingress fails closed (503, nothing forwarded) until they are removed \
            or Sluice runs with --allow-unsupported-security-annotations
            """)
    }

    @Test func withTheFlagTheRoutesAreServedAndTheWarningSaysWithoutWhat() throws {
        let audit = NginxAnnotationAudit(Self.nginx(["enable-owasp-core-rules": "true", "modsecurity-snippet": "SecRuleEngine On"]))
        #expect(audit.refusal(allowingUnsupportedSecurity: true) == nil)
        let problem = try #require(audit.problem(allowingUnsupportedSecurity: true))
        #expect(problem.message == """
            nginx.ingress.kubernetes.io annotations not supported by Sluice: enable-owasp-core-rules="true", modsecurity-snippet; \
            enable-owasp-core-rules, modsecurity-snippet guarded access: the routes of this Ingress are served without that \
            protection, as --allow-unsupported-security-annotations is set
            """)
    }

    @Test func namesIngressNginxNeverHadAreReportedAsTyposButGuardNothing() throws {
        let audit = NginxAnnotationAudit(Self.nginx([
            "whitelist-source-ranges": "0.0.0.0/0", "completely-made-up": "1", "bad\u{1B}key": "x",
        ]))
        #expect(audit.refusal(allowingUnsupportedSecurity: false) == nil)
        let problem = try #require(audit.problem(allowingUnsupportedSecurity: false))
        #expect(problem.message == #"""
            not ingress-nginx annotations (typos?): "bad\u{1B}key", completely-made-up, whitelist-source-ranges \#
            (did you mean whitelist-source-range?)
            """#)
    }

    /// Ignoring a snippet opens a route only when it held something that could refuse a request.
    @Test(arguments: [
        ("more_set_headers \"X-Frame-Options: DENY\";", false),
        ("proxy_set_header X-Real-Port $remote_port;\n  add_header X-A b;", false),
        ("", false),
        ("deny all;", true),
        ("location /admin { deny all; }", true),
        ("if ($http_x_token != \"s3cret\") { return 403; }", true),
        ("auth_request /auth;", true),
        ("# a comment\nadd_header X a;", true),
        ("more_set_headers \"X: a;deny all\";", true),
    ])
    func aSnippetGuardsAccessUnlessItCannotRefuse(_ snippet: String, guards: Bool) {
        let audit = NginxAnnotationAudit(Self.nginx(["server-snippet": snippet]))
        #expect(audit.guarding == (guards ? ["server-snippet"] : []), "\(snippet)")
        #expect((audit.refusal(allowingUnsupportedSecurity: false) != nil) == guards)
        #expect(audit.problem(allowingUnsupportedSecurity: false) != nil)
    }
}
