import SluiceRouting
import Testing

@testable import SluiceIngress

/// `affinity`, `affinity-mode` and `session-cookie-*`: values read under both names, the
/// defaults, and what a bad value leaves (a Warning, the default, the route still served).
@Suite("Session affinity annotations")
struct SessionAffinityAnnotationTests {
    private static let nginx = "nginx.ingress.kubernetes.io/"

    @Test func withoutAffinityThereIsNone() {
        let (policy, problems, _) = AnnotationPolicyReader.read([:])
        #expect(problems.isEmpty)
        #expect(policy.sessionAffinity == nil)
    }

    @Test func cookieAffinityHasIngressNginxsDefaults() throws {
        for prefix in ["sluice.io/", Self.nginx] {
            let (policy, problems, _) = AnnotationPolicyReader.read([prefix + "affinity": "cookie"])
            #expect(problems.isEmpty)
            let affinity = try #require(policy.sessionAffinity)
            #expect(affinity.cookieName == "INGRESSCOOKIE")
            #expect(affinity.mode == .balanced)
            #expect(affinity.path == nil && affinity.maxAge == nil && affinity.expires == nil)
            #expect(affinity.sameSite == nil && affinity.secure == nil && !affinity.changeOnFailure)
        }
    }

    @Test func everySettingIsRead() throws {
        let (policy, problems, _) = AnnotationPolicyReader.read([
            Self.nginx + "affinity": "cookie", Self.nginx + "affinity-mode": "persistent",
            Self.nginx + "session-cookie-name": "route", "sluice.io/session-cookie-path": "/socket.io",
            Self.nginx + "session-cookie-max-age": "172800", Self.nginx + "session-cookie-expires": "3600",
            Self.nginx + "session-cookie-samesite": "strict", Self.nginx + "session-cookie-secure": "true",
            Self.nginx + "session-cookie-change-on-failure": "true",
        ])
        #expect(problems.isEmpty)
        #expect(try #require(policy.sessionAffinity) == SessionAffinity(
            cookieName: "route", path: "/socket.io", maxAge: 172_800, expires: 3600, sameSite: "Strict", secure: true,
            changeOnFailure: true, mode: .persistent))
    }

    @Test func theSluiceNameWins() {
        let (policy, _, _) = AnnotationPolicyReader.read([
            "sluice.io/affinity": "cookie", "sluice.io/session-cookie-name": "a", Self.nginx + "session-cookie-name": "b",
        ])
        #expect(policy.sessionAffinity?.cookieName == "a")
    }

    @Test(arguments: [
        ("affinity", "ip"), ("affinity", ""), ("affinity", "Cookie"),
        ("affinity-mode", "sticky"), ("affinity-mode", ""),
        ("session-cookie-name", "a b"), ("session-cookie-name", "a;b"), ("session-cookie-name", "a=b"), ("session-cookie-name", ""),
        ("session-cookie-path", "app"), ("session-cookie-path", "/a;b"), ("session-cookie-path", "/a b"),
        ("session-cookie-max-age", "-1"), ("session-cookie-max-age", "1h"), ("session-cookie-max-age", "0"),
        ("session-cookie-max-age", "999999999"), ("session-cookie-expires", "tomorrow"), ("session-cookie-expires", ""),
        ("session-cookie-samesite", "Sometimes"), ("session-cookie-secure", "yes"), ("session-cookie-change-on-failure", "maybe"),
    ])
    func aBadValueIsReportedAndTheDefaultHolds(name: String, value: String) throws {
        var annotations = [Self.nginx + name: value]
        if name != "affinity" { annotations[Self.nginx + "affinity"] = "cookie" }
        let (policy, problems, _) = AnnotationPolicyReader.read(annotations)
        #expect(problems.count == 1)
        let message = problems.first?.message ?? ""
        #expect(message.contains(Self.nginx + name) && message.contains("ignored") && message.contains("accepted:"))
        #expect(policy.refusal == nil, "the route is still served")
        if name == "affinity" {
            #expect(policy.sessionAffinity == nil)
        } else {
            var expected = SessionAffinity()
            if name == "session-cookie-change-on-failure" { expected.changeOnFailure = false }
            #expect(try #require(policy.sessionAffinity) == expected)
        }
    }

    @Test func cookieSettingsWithoutAffinityAreReported() {
        let (policy, problems, _) = AnnotationPolicyReader.read([Self.nginx + "session-cookie-name": "route"])
        #expect(policy.sessionAffinity == nil)
        #expect(problems.count == 1)
        #expect(problems.first?.message.contains("session-cookie-name ignored: sticky sessions need affinity: cookie") == true)
    }
}
