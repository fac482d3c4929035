import SluiceRouting
import Testing

@testable import SluiceIngress

/// `auth-url` and friends: read from `sluice.io/` or the ingress-nginx alias; a bad value of any
/// fails the routes closed.
@Suite("External auth annotations")
struct ExternalAuthAnnotationTests {
    @Test func theNginxAnnotationsOfAnOAuth2ProxySetup() {
        let (policy, problems, _) = AnnotationPolicyReader.read([
            "nginx.ingress.kubernetes.io/auth-url": "http://oauth2-proxy.auth.svc.cluster.local/oauth2/auth",
            "nginx.ingress.kubernetes.io/auth-signin": "https://$host/oauth2/start?rd=$escaped_request_uri",
            "nginx.ingress.kubernetes.io/auth-response-headers": "X-Auth-Request-User, X-Auth-Request-Email",
        ])
        #expect(problems.isEmpty)
        #expect(policy.refusal == nil)
        #expect(policy.externalAuth == ExternalAuth(
            host: "oauth2-proxy.auth.svc.cluster.local", port: 80, authority: "oauth2-proxy.auth.svc.cluster.local",
            target: "/oauth2/auth", signin: "https://$host/oauth2/start?rd=$escaped_request_uri",
            responseHeaders: ["x-auth-request-user", "x-auth-request-email"]))
    }

    @Test func theSluiceValueWins() {
        let (policy, _, _) = AnnotationPolicyReader.read([
            "sluice.io/auth-url": "http://[::1]:4180/check?a=b",
            "nginx.ingress.kubernetes.io/auth-url": "http://other/",
            "sluice.io/auth-method": "POST",
            "nginx.ingress.kubernetes.io/auth-signin-redirect-param": "next",
            "sluice.io/auth-request-redirect": "/back",
        ])
        #expect(policy.externalAuth?.host == "::1")
        #expect(policy.externalAuth?.port == 4180)
        #expect(policy.externalAuth?.target == "/check?a=b")
        #expect(policy.externalAuth?.method == "POST")
        #expect(policy.externalAuth?.signinRedirectParam == "next")
        #expect(policy.externalAuth?.requestRedirect == "/back")
    }

    @Test(arguments: [
        ["sluice.io/auth-url": "ftp://auth.example.com/check"],
        ["sluice.io/auth-url": "http://auth/$host", "nginx.ingress.kubernetes.io/auth-url": "http://auth/"],
        ["nginx.ingress.kubernetes.io/auth-url": "auth.example.com/check"],
        ["nginx.ingress.kubernetes.io/auth-url": "http://auth:99999/"],
        ["nginx.ingress.kubernetes.io/auth-url": "http://auth/", "nginx.ingress.kubernetes.io/auth-method": "get it"],
        ["nginx.ingress.kubernetes.io/auth-url": "http://auth/", "nginx.ingress.kubernetes.io/auth-signin": "https://$server_name/start"],
        ["nginx.ingress.kubernetes.io/auth-url": "http://auth/", "nginx.ingress.kubernetes.io/auth-response-headers": "X-User, bad name"],
        ["nginx.ingress.kubernetes.io/auth-url": "http://auth/", "nginx.ingress.kubernetes.io/auth-signin-redirect-param": "a=b"],
    ])
    func aBadValueFailsClosed(annotations: [String: String]) {
        let (policy, problems, _) = AnnotationPolicyReader.read(annotations)
        #expect(policy.externalAuth == nil)
        #expect(policy.refusal != nil)
        #expect(problems.count == 1)
        #expect(problems.first?.message.contains("fails closed (503)") == true)
    }

    /// `https://` is verified against the system's roots, for the URL's host; port 443 by default.
    @Test func anHTTPSAuthURL() {
        let (policy, problems, _) = AnnotationPolicyReader.read(["nginx.ingress.kubernetes.io/auth-url": "https://auth.example.com/check"])
        #expect(problems.isEmpty)
        #expect(policy.externalAuth?.port == 443)
        #expect(policy.externalAuth?.authority == "auth.example.com")
        #expect(policy.externalAuth?.tls == UpstreamTLS(serverName: "auth.example.com", verify: true))
        let (plain, _, _) = AnnotationPolicyReader.read(["nginx.ingress.kubernetes.io/auth-url": "http://auth.example.com/check"])
        #expect(plain.externalAuth?.tls == nil)
    }

    @Test func keepAliveAndCookieSettings() {
        let url = ["nginx.ingress.kubernetes.io/auth-url": "http://auth/"]
        let (defaults, _, _) = AnnotationPolicyReader.read(url)
        #expect(defaults.externalAuth?.keepAlive == ExternalAuthKeepAlive(maxRequests: 1000, idleTimeout: .seconds(60)))
        #expect(defaults.externalAuth?.alwaysSetCookie == false)
        let (tuned, problems, _) = AnnotationPolicyReader.read(url.merging([
            "nginx.ingress.kubernetes.io/auth-keepalive": "10",
            "nginx.ingress.kubernetes.io/auth-keepalive-requests": "50",
            "sluice.io/auth-keepalive-timeout": "5",
            "nginx.ingress.kubernetes.io/auth-keepalive-timeout": "30",
            "nginx.ingress.kubernetes.io/auth-keepalive-share-vars": "true",
            "nginx.ingress.kubernetes.io/auth-always-set-cookie": "true",
        ]) { $1 })
        #expect(problems.isEmpty)
        #expect(tuned.externalAuth?.keepAlive == ExternalAuthKeepAlive(maxRequests: 50, idleTimeout: .seconds(5)))
        #expect(tuned.externalAuth?.alwaysSetCookie == true)
        let (off, _, _) = AnnotationPolicyReader.read(url.merging(["nginx.ingress.kubernetes.io/auth-keepalive": "0"]) { $1 })
        #expect(off.externalAuth != nil)
        #expect(off.externalAuth?.keepAlive == nil)
    }

    /// They do not guard access: a bad value is reported and its default used; the route is served.
    @Test(arguments: [
        ["nginx.ingress.kubernetes.io/auth-keepalive": "many"],
        ["nginx.ingress.kubernetes.io/auth-keepalive-requests": "0"],
        ["nginx.ingress.kubernetes.io/auth-keepalive-timeout": "1m"],
        ["nginx.ingress.kubernetes.io/auth-keepalive-share-vars": "yes"],
        ["nginx.ingress.kubernetes.io/auth-always-set-cookie": "sometimes"],
    ])
    func aBadKeepAliveOrCookieValueKeepsItsDefault(annotations: [String: String]) {
        let (policy, problems, _) = AnnotationPolicyReader.read(annotations.merging(["nginx.ingress.kubernetes.io/auth-url": "http://auth/"]) { $1 })
        #expect(policy.refusal == nil)
        #expect(policy.externalAuth?.keepAlive == ExternalAuthKeepAlive())
        #expect(policy.externalAuth?.alwaysSetCookie == false)
        #expect(problems.count == 1)
    }

    @Test func settingsWithoutAnAuthURLAreReported() {
        let (policy, problems, _) = AnnotationPolicyReader.read(["sluice.io/auth-method": "POST"])
        #expect(policy.externalAuth == nil)
        #expect(policy.refusal == nil)
        #expect(problems.map(\.message) == ["auth-* annotations without auth-url are ignored: no external authentication is done"])
    }

    @Test func cacheSettings() {
        let url = ["nginx.ingress.kubernetes.io/auth-url": "http://auth/"]
        let (cached, problems, _) = AnnotationPolicyReader.read(url.merging([
            "nginx.ingress.kubernetes.io/auth-cache-key": "$cookie__oauth2_proxy$http_authorization",
            "nginx.ingress.kubernetes.io/auth-cache-duration": "200 202 401 10m",
        ]) { $1 })
        #expect(problems.isEmpty)
        #expect(cached.externalAuth?.cache == AuthCachePolicy(
            key: [.cookie("_oauth2_proxy"), .field("authorization")], statuses: [200, 202], duration: .seconds(600)))
        let (unknown, unknownProblems, _) = AnnotationPolicyReader.read(url.merging([
            "nginx.ingress.kubernetes.io/auth-cache-key": "$remote_user$http_authorization"]) { $1 })
        #expect(unknown.externalAuth != nil)
        #expect(unknown.externalAuth?.cache == nil)
        #expect(unknown.refusal == nil)
        #expect(unknownProblems.first?.message.contains("unsupported variable(s) $remote_user") == true)
    }
}
