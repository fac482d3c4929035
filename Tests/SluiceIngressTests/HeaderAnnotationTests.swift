import SluiceRouting
import Testing

@testable import SluiceIngress

/// The header list, CORS origin and token list grammars, and what the reader makes of the CORS
/// and header annotations (Warnings, defaults, precedence).
@Suite("Header and CORS annotations")
struct HeaderAnnotationTests {
    @Test func aHeaderListIsOneFieldALine() throws {
        let fields = try HeaderListGrammar.parse("X-Frame-Options: DENY\n\n  Cache-Control:no-store  \nX-Empty:\n").get()
        #expect(fields == [
            HeaderField(name: "X-Frame-Options", value: "DENY"), HeaderField(name: "Cache-Control", value: "no-store"),
            HeaderField(name: "X-Empty", value: ""),
        ])
    }

    @Test(arguments: [
        "X-A: 1\r\nX-B: 2", "no colon", "Bad Name: x", ":authority: x", "Host: evil", "Connection: close",
        "Transfer-Encoding: chunked", "content-length: 5", "Keep-Alive: 5", "Upgrade: h2c", "X-A: caf\u{E9}",
        "X-A: a\u{7}b", "X-A: 1\nx-a: 2", "", "\n\n",
    ])
    func aBadHeaderListIsRefused(text: String) {
        #expect(throws: GrammarFailure.self) { try HeaderListGrammar.parse(text).get() }
    }

    @Test func originsParseToExactAndWildcardEntries() throws {
        let origins = try CORSOriginGrammar.parse("https://App.Example.com, http://localhost:8080,https://*.example.org, *").get()
        #expect(origins == [
            .exact("https://app.example.com"), .exact("http://localhost:8080"),
            .subdomain(scheme: "https", suffix: "example.org", port: nil), .any,
        ])
    }

    @Test(arguments: ["", "example.com", "https://", "https://exa mple.com", "https://a.com:99999x", "https://*.", "https://a.com/path", "*.example.com"])
    func aBadOriginIsRefused(text: String) {
        #expect(throws: GrammarFailure.self) { try CORSOriginGrammar.parse(text).get() }
    }

    @Test func tokenListsAreNormalised() throws {
        #expect(try HeaderFieldGrammar.tokenList("GET,POST ,  PUT", allowingWildcard: false).get() == "GET, POST, PUT")
        #expect(throws: GrammarFailure.self) { try HeaderFieldGrammar.tokenList("GET, P OST", allowingWildcard: false).get() }
        #expect(throws: GrammarFailure.self) { try HeaderFieldGrammar.tokenList("*", allowingWildcard: false).get() }
    }

    @Test func enableCORSWithDefaultsIsIngressNginxs() throws {
        let (policy, problems, _) = AnnotationPolicyReader.read(["nginx.ingress.kubernetes.io/enable-cors": "true"])
        #expect(problems.isEmpty)
        #expect(policy.cors == CORSPolicy())
        #expect(policy.cors?.allowsAnyOrigin == true)
    }

    @Test func aBadOriginListAllowsNoOrigin() throws {
        let (policy, problems, _) = AnnotationPolicyReader.read([
            "sluice.io/enable-cors": "true", "sluice.io/cors-allow-origin": "https://ok.test, not an origin",
        ])
        #expect(policy.cors?.allowedOrigins == [])
        #expect(problems.count == 1)
        #expect(problems.first?.message.contains("allows no origin") == true)
    }

    @Test func corsSettingsWithoutEnableCORSAreReported() {
        let (policy, problems, _) = AnnotationPolicyReader.read(["nginx.ingress.kubernetes.io/cors-allow-origin": "https://a.test"])
        #expect(policy.cors == nil)
        #expect(problems.map(\.message) == ["cors-allow-origin ignored: CORS is off (set enable-cors \"true\")"])
    }

    @Test func securityHeadersYieldToTheRoutesOwn() throws {
        let (policy, problems, _) = AnnotationPolicyReader.read([
            "sluice.io/security-headers": "on", "sluice.io/content-security-policy": "default-src 'self'; img-src *",
            "sluice.io/response-headers": "X-Frame-Options: DENY\nCache-Control: no-store\n",
            "sluice.io/request-headers": "X-Tenant: blue",
        ])
        #expect(problems.isEmpty)
        #expect(policy.responseHeaders.map(\.name) == [
            "X-Content-Type-Options", "Referrer-Policy", "Content-Security-Policy", "X-Frame-Options", "Cache-Control",
        ])
        #expect(policy.responseHeaders.first { $0.name == "X-Frame-Options" }?.value == "DENY")
        #expect(policy.requestHeaders == [HeaderField(name: "X-Tenant", value: "blue")])
    }

    @Test func aBadHeaderListIsReportedAndIgnored() {
        let (policy, problems, _) = AnnotationPolicyReader.read(["sluice.io/request-headers": "Host: evil.test"])
        #expect(policy.requestHeaders.isEmpty)
        #expect(policy.refusal == nil, "adding fields guards nothing: the route is served")
        #expect(problems.count == 1)
        #expect(problems.first?.message.contains("Host may not be set") == true)
    }
}
