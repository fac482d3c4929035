import SluiceRouting
import Testing

@testable import SluiceIngress

/// The canary annotations: what makes an Ingress a canary, its rule, and bad values reported.
@Suite("Canary annotations")
struct CanaryAnnotationTests {
    private static func read(_ annotations: [String: String]) -> (RoutePolicy, [String]) {
        let (policy, problems, _) = AnnotationPolicyReader.read(annotations)
        return (policy, problems.map(\.message))
    }

    @Test func aCanaryWithEverySetting() {
        let (policy, problems) = Self.read([
            "nginx.ingress.kubernetes.io/canary": "true", "nginx.ingress.kubernetes.io/canary-by-header": "X-Canary",
            "nginx.ingress.kubernetes.io/canary-by-header-value": "yes", "sluice.io/canary-by-cookie": "beta",
            "nginx.ingress.kubernetes.io/canary-weight": "5", "nginx.ingress.kubernetes.io/canary-weight-total": "1000",
        ])
        #expect(problems.isEmpty)
        #expect(policy.canary == CanaryRule(header: "X-Canary", headerValue: "yes", cookie: "beta", weight: 5, weightTotal: 1000))
    }

    @Test func withoutCanaryTrueTheSettingsAreReportedAndUnused() {
        let (policy, problems) = Self.read(["nginx.ingress.kubernetes.io/canary-weight": "50"])
        #expect(policy.canary == nil)
        #expect(problems == [#"canary-weight without canary: "true" ignored: the Ingress is served as usual"#])
        #expect(Self.read(["nginx.ingress.kubernetes.io/canary": "false"]).0.canary == nil)
    }

    @Test(arguments: [
        ("canary-weight", "-1"), ("canary-weight", "ten"), ("canary-weight-total", "x"), ("canary-by-header", "X Canary"),
        ("canary-by-cookie", "a;b"), ("canary-by-header-value", ""),
    ])
    func aBadValueIsReportedAndTheCanaryTakesLess(name: String, value: String) {
        let (policy, problems) = Self.read(["nginx.ingress.kubernetes.io/canary": "true", "nginx.ingress.kubernetes.io/\(name)": value])
        #expect(problems.count == 1, "\(problems)")
        #expect(policy.canary == CanaryRule())
    }

    @Test func aWeightAboveTheTotalIsCappedAndAPatternLeavesTheHeader() {
        let (policy, problems) = Self.read([
            "nginx.ingress.kubernetes.io/canary": "true", "nginx.ingress.kubernetes.io/canary-weight": "150",
            "nginx.ingress.kubernetes.io/canary-by-header": "X-Canary", "nginx.ingress.kubernetes.io/canary-by-header-pattern": "^a.*",
        ])
        #expect(policy.canary?.weight == 100)
        #expect(problems.count == 1)
        #expect(policy.canary?.header == "X-Canary")
    }
}
