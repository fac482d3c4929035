@testable import SluiceIngress
import SluiceRouting
import Testing

@Suite("limit-* grammar and reading")
struct ClientLimitsAnnotationTests {
    @Test func countGrammar() {
        #expect(CountGrammar.parse("0") == .success(0))
        #expect(CountGrammar.parse("25") == .success(25))
        #expect(CountGrammar.parse("1000000") == .success(1_000_000))
        #expect(CountGrammar.parse("") == .failure(GrammarFailure("empty")))
        #expect(CountGrammar.parse("1000001") == .failure(GrammarFailure("more than 1000000")))
        for bad in ["-1", "1.5", " 5", "five", "5r/s", "12345678"] {
            #expect(CountGrammar.parse(bad) == .failure(GrammarFailure("not a whole number")), "\(bad)")
        }
    }

    @Test func theAnnotationsMakeTheLimits() {
        let nginx = IngressAnnotations.nginxPrefix
        let read = AnnotationPolicyReader.read([
            nginx + "limit-rps": "5", nginx + "limit-rpm": "100", nginx + "limit-connections": "10",
            IngressAnnotations.maxStreams: "4", nginx + "limit-whitelist": "10.0.0.0/8",
        ])
        #expect(read.problems.isEmpty)
        #expect(read.policy.clientLimits == ClientLimits(
            maxInFlight: 4,
            rates: [RequestRate(requests: 5, period: .seconds(1), burst: 25), RequestRate(requests: 100, period: .seconds(60), burst: 500)],
            exempt: [AddressRange("10.0.0.0/8")!]))
        let multiplied = AnnotationPolicyReader.read([nginx + "limit-rps": "2", IngressAnnotations.limitBurstMultiplier: "1"])
        #expect(multiplied.policy.clientLimits?.rates == [RequestRate(requests: 2, period: .seconds(1), burst: 2)])
        #expect(AnnotationPolicyReader.read([nginx + "limit-rps": "0"]).policy.clientLimits == nil)
        #expect(AnnotationPolicyReader.read([nginx + "limit-allowlist": "10.0.0.0/8"]).policy.clientLimits == nil)
    }

    /// A bad limit fails the routes closed, and a bad `sluice.io/` value is not replaced by its
    /// alias; a bad allow list is ignored (nobody exempt).
    @Test func aBadLimitFailsClosed() {
        let nginx = IngressAnnotations.nginxPrefix
        let bad = AnnotationPolicyReader.read([IngressAnnotations.limitRPS: "lots", nginx + "limit-rps": "5"])
        #expect(bad.policy.refusal == RouteRefusal(reason: "invalid limit-rps"))
        #expect(bad.problems.count == 1)
        let badMultiplier = AnnotationPolicyReader.read([nginx + "limit-rps": "5", nginx + "limit-burst-multiplier": "x"])
        #expect(badMultiplier.policy.refusal == RouteRefusal(reason: "invalid limit-burst-multiplier"))
        let badAllowlist = AnnotationPolicyReader.read([nginx + "limit-rps": "5", nginx + "limit-allowlist": "nonsense"])
        #expect(badAllowlist.policy.refusal == nil)
        #expect(badAllowlist.policy.clientLimits?.exempt == [])
        #expect(badAllowlist.problems.count == 1)
    }
}
