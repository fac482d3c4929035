import SluiceRouting
import Testing

@testable import SluiceIngress

/// The redirect and upstream-request annotations: grammars, ingress-nginx's precedence, and bad
/// values reported with the route served without them.
@Suite("Redirect annotations")
struct RedirectAnnotationTests {
    private static func read(_ annotations: [String: String]) -> (RoutePolicy, [String]) {
        let (policy, problems, _) = AnnotationPolicyReader.read(annotations)
        return (policy, problems.map(\.message))
    }

    @Test func aPermanentRedirectWithItsCodeAndVariables() throws {
        let (policy, problems) = Self.read([
            "nginx.ingress.kubernetes.io/permanent-redirect": "https://new.example.com${uri}$is_args$args",
            "nginx.ingress.kubernetes.io/permanent-redirect-code": "308",
        ])
        #expect(problems.isEmpty)
        let always = try #require(policy.redirect?.always)
        #expect(always.status == 308)
        #expect(always.location.parts == [.text("https://new.example.com"), .uri, .isArgs, .args])
        #expect(policy.redirect?.answer(target: "/a/b?x=1", path: "/a/b", host: "old.example.com", secure: false)?.location
            == "https://new.example.com/a/b?x=1")
        #expect(policy.redirect?.answer(target: "/a", path: "/a", host: "old.example.com", secure: false)?.location
            == "https://new.example.com/a")
    }

    @Test func temporalWinsOverPermanentAndDefaultsTo302() throws {
        let (policy, problems) = Self.read([
            "sluice.io/temporal-redirect": "http://maintenance.example.com/",
            "nginx.ingress.kubernetes.io/permanent-redirect": "https://new.example.com",
        ])
        #expect(policy.redirect?.always?.status == 302)
        #expect(policy.redirect?.always?.location.text == "http://maintenance.example.com/")
        #expect(problems.contains { $0.contains("permanent-redirect ignored") })
    }

    @Test func theHostVariablesAndTheScheme() {
        let (policy, _) = Self.read(["sluice.io/permanent-redirect": "https://$host/x?from=$scheme://$http_host$request_uri"])
        let answer = policy.redirect?.answer(target: "/p?q", path: "/p", host: "Shop.Example.com:8080", secure: true)
        #expect(answer?.status == 301)
        #expect(answer?.location == "https://shop.example.com/x?from=https://Shop.Example.com:8080/p?q")
    }

    @Test func appRootRedirectsOnlySlash() {
        let (policy, problems) = Self.read(["nginx.ingress.kubernetes.io/app-root": "/app1"])
        #expect(problems.isEmpty)
        #expect(policy.redirect?.answer(target: "/", path: "/", host: "a.com", secure: false)?.status == 302)
        #expect(policy.redirect?.answer(target: "/", path: "/", host: "a.com", secure: false)?.location == "/app1")
        #expect(policy.redirect?.answer(target: "/other", path: "/other", host: "a.com", secure: false) == nil)
        #expect(policy.redirect?.answer(target: "/?x", path: "/", host: "a.com", secure: false)?.location == "/app1")
    }

    @Test func upstreamVirtualHostAndPrefixAreFieldsSentUpstream() {
        let (policy, problems) = Self.read([
            "nginx.ingress.kubernetes.io/upstream-vhost": "internal.svc.cluster.local:8080",
            "nginx.ingress.kubernetes.io/x-forwarded-prefix": "/shop",
            "sluice.io/request-headers": "X-Tenant: blue",
        ])
        #expect(problems.isEmpty)
        #expect(policy.redirect == nil)
        #expect(policy.requestHeaders == [
            HeaderField(name: "X-Tenant", value: "blue"), HeaderField(name: "Host", value: "internal.svc.cluster.local:8080"),
            HeaderField(name: "X-Forwarded-Prefix", value: "/shop"),
        ])
    }

    @Test(arguments: [
        ["nginx.ingress.kubernetes.io/permanent-redirect": "ftp://x.example.com"],
        ["nginx.ingress.kubernetes.io/permanent-redirect": "/relative"],
        ["nginx.ingress.kubernetes.io/permanent-redirect": "https://x.example.com/$cookie_session"],
        ["nginx.ingress.kubernetes.io/permanent-redirect": "https://x.example.com/${uri"],
        ["nginx.ingress.kubernetes.io/permanent-redirect": "https://x.example.com/a b"],
        ["nginx.ingress.kubernetes.io/temporal-redirect": "javascript:alert(1)"],
        ["nginx.ingress.kubernetes.io/app-root": "//evil.example.com"],
        ["nginx.ingress.kubernetes.io/app-root": "app"],
        ["nginx.ingress.kubernetes.io/app-root": "/a\"b"],
        ["nginx.ingress.kubernetes.io/upstream-vhost": "a b"],
        ["nginx.ingress.kubernetes.io/upstream-vhost": "a/b"],
        ["nginx.ingress.kubernetes.io/x-forwarded-prefix": ""],
    ])
    func aBadValueIsReportedAndTheRouteServedWithoutIt(annotations: [String: String]) {
        let (policy, problems) = Self.read(annotations)
        #expect(problems.count == 1, "\(problems)")
        #expect(problems.first?.contains("ignored") == true)
        #expect(policy == .default)
    }

    @Test(arguments: ["299", "309", "abc", "301.5"])
    func aBadCodeKeepsTheDefault(code: String) {
        let (policy, problems) = Self.read([
            "nginx.ingress.kubernetes.io/permanent-redirect": "https://x.example.com",
            "nginx.ingress.kubernetes.io/permanent-redirect-code": code,
        ])
        #expect(problems.count == 1)
        #expect(policy.redirect?.always?.status == 301)
    }

    @Test func aCodeWithoutItsURLIsReported() {
        let (policy, problems) = Self.read(["nginx.ingress.kubernetes.io/temporal-redirect-code": "307"])
        #expect(policy == .default)
        #expect(problems == ["temporal-redirect-code without temporal-redirect is ignored"])
    }
}
