@testable import SluiceIngress
import SluiceRouting
import Testing

@Suite("proxy-body-size grammar")
struct BodySizeGrammarTests {
    static let sizes: [(String, Int64)] = [
        ("0", 0), ("1", 1), ("1048576", 1_048_576), ("512k", 524_288), ("512K", 524_288), ("1m", 1_048_576),
        ("8M", 8_388_608), ("1g", 1_073_741_824), ("1024g", 1_099_511_627_776), ("0m", 0),
    ]

    @Test(arguments: sizes)
    func accepts(text: String, bytes: Int64) {
        #expect(BodySizeGrammar.parse(text) == .success(bytes))
    }

    static let bad: [(String, String)] = [
        ("", "empty"), ("m", "not a number of bytes with an optional k, m or g"),
        ("1.5m", "not a number of bytes with an optional k, m or g"), ("-1", "not a number of bytes with an optional k, m or g"),
        ("1 m", "not a number of bytes with an optional k, m or g"), ("1mb", "not a number of bytes with an optional k, m or g"),
        ("1t", "not a number of bytes with an optional k, m or g"), ("+1m", "not a number of bytes with an optional k, m or g"),
        ("1025g", "more than 1024g"), ("99999999999999", "not a number of bytes with an optional k, m or g"),
    ]

    @Test(arguments: bad)
    func rejects(text: String, problem: String) {
        #expect(BodySizeGrammar.parse(text) == .failure(GrammarFailure(problem)))
    }

    /// The `sluice.io/` value wins over the alias; a bad one is reported and the alias read; the
    /// policy says nil (the proxy's own limit) without either.
    @Test func theAnnotationsSetTheRoutesLimit() {
        let sluice = IngressAnnotations.proxyBodySize, nginx = IngressAnnotations.nginxProxyBodySize
        #expect(AnnotationPolicyReader.read([:]).policy.maxRequestBodyBytes == nil)
        #expect(AnnotationPolicyReader.read([nginx: "8m"]).policy.maxRequestBodyBytes == 8 << 20)
        #expect(AnnotationPolicyReader.read([sluice: "0", nginx: "8m"]).policy.maxRequestBodyBytes == 0)
        let bad = AnnotationPolicyReader.read([sluice: "big", nginx: "2k"])
        #expect(bad.policy.maxRequestBodyBytes == 2048)
        #expect(bad.problems.map(\.message) == [
            "annotation sluice.io/proxy-body-size=\"big\" ignored: not a number of bytes with an optional k, m or g; accepted: \(BodySizeGrammar.accepted)"
        ])
        #expect(bad.policy.refusal == nil)
    }
}
