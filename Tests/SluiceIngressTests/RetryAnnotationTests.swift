import SluiceRouting
import Testing

@testable import SluiceIngress

/// `proxy-next-upstream`, `-tries`, `-timeout`, `custom-http-errors` and `default-backend`: the
/// defaults (ingress-nginx's), each value read under both prefixes, and what a bad value leaves
/// (a Warning naming it, and the default).
@Suite("Retry and error page annotations")
struct RetryAnnotationTests {
    @Test func withoutAnnotationsTheDefaultsAreIngressNginxs() {
        let (policy, problems, _) = AnnotationPolicyReader.read([:])
        #expect(problems.isEmpty)
        #expect(policy.retry == RetryPolicy(conditions: [.error, .timeout], tries: 3, timeout: nil))
        #expect(policy.customHTTPErrors.isEmpty)
    }

    static let conditionCases: [(String, RetryPolicy.Conditions)] = [
        ("error timeout http_502", [.error, .timeout, .http502]),
        ("http_503  non_idempotent", [.http503, .nonIdempotent]),
        ("off", []),
        ("invalid_header http_500 http_504 http_403 http_404 http_429", [.invalidHeader, .http500, .http504, .http403, .http404, .http429]),
    ]

    @Test(arguments: conditionCases)
    func conditionsAreRead(text: String, expected: RetryPolicy.Conditions) {
        for prefix in ["sluice.io/", "nginx.ingress.kubernetes.io/"] {
            let (policy, problems, _) = AnnotationPolicyReader.read([prefix + "proxy-next-upstream": text])
            #expect(problems.isEmpty)
            #expect(policy.retry.conditions == expected)
        }
    }

    @Test func triesTimeoutAndCodesAreRead() {
        let (policy, problems, _) = AnnotationPolicyReader.read([
            "nginx.ingress.kubernetes.io/proxy-next-upstream-tries": "5",
            "nginx.ingress.kubernetes.io/proxy-next-upstream-timeout": "10",
            "nginx.ingress.kubernetes.io/custom-http-errors": "503, 404,503",
            "sluice.io/default-backend": "errors",
        ])
        #expect(problems.isEmpty)
        #expect(policy.retry.tries == 5)
        #expect(policy.retry.timeout == .seconds(10))
        #expect(policy.customHTTPErrors == [404, 503])
        let (zero, _, _) = AnnotationPolicyReader.read(["sluice.io/proxy-next-upstream-timeout": "0"])
        #expect(zero.retry.timeout == nil)
    }

    @Test func theSluiceNameWins() {
        let (policy, _, _) = AnnotationPolicyReader.read([
            "sluice.io/proxy-next-upstream": "http_502", "nginx.ingress.kubernetes.io/proxy-next-upstream": "off",
        ])
        #expect(policy.retry.conditions == .http502)
    }

    @Test(arguments: [
        ("proxy-next-upstream", ""), ("proxy-next-upstream", "error off"), ("proxy-next-upstream", "http_501"),
        ("proxy-next-upstream", "error,timeout"), ("proxy-next-upstream", "ERROR"),
        ("proxy-next-upstream-tries", "-1"), ("proxy-next-upstream-tries", "three"), ("proxy-next-upstream-tries", "101"),
        ("proxy-next-upstream-timeout", "5s"), ("proxy-next-upstream-timeout", "-3"),
        ("custom-http-errors", "200"), ("custom-http-errors", "404,,503"), ("custom-http-errors", "abc"),
        ("custom-http-errors", "4040"), ("default-backend", "Errors"), ("default-backend", "ns/errors"),
        ("default-backend", ""),
    ])
    func aMalformedValueIsAWarningAndTheDefaultHolds(name: String, text: String) {
        let key = "nginx.ingress.kubernetes.io/" + name
        let (policy, reader) = AnnotationPolicyReader.readWithSecrets([key: text])
        #expect(policy.retry == .default)
        #expect(policy.customHTTPErrors.isEmpty)
        #expect(reader.defaultBackendService == nil)
        #expect(reader.problems.count == 1)
        let message = reader.problems.first?.message ?? ""
        #expect(message.contains(key))
        #expect(message.contains("ignored"))
        #expect(message.contains("accepted:"))
    }
}
