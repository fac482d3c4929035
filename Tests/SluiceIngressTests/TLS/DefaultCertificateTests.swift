import KubeModels
import SluiceIngress
import SluiceRouting
import SluiceTestSupport
import Testing

@Suite("--default-ssl-certificate")
struct DefaultCertificateTests {
    static let ca = try! TestCertificateAuthority()

    static func translate(_ secrets: [Secret]) -> TranslationResult {
        var options = TLSFixtures.options
        options.defaultCertificateSecret = "sluice/fallback"
        return IngressTranslator.translate(ClusterSnapshot(secrets: secrets), options: options, now: TLSFixtures.now)
    }

    @Test func aGoodSecretIsTheDefaultWhateverNamesItsCertificateHas() throws {
        let leaf = try TLSFixtures.leaf(Self.ca, ["anything.example.org"])
        let result = Self.translate([leaf.secret(namespace: "sluice", name: "fallback")])
        #expect(result.diagnostics.isEmpty)
        #expect(result.table.certificates.defaultCertificate?.fingerprint == leaf.fingerprint)
        #expect(result.table.certificates.certificate(forServerName: nil)?.source == "sluice/fallback")
    }

    @Test func aBadSecretIsReportedOnTheSecretAndLeavesTheGeneratedCertificate() throws {
        let expired = try TLSFixtures.leaf(Self.ca, ["x.example.org"], from: TLSFixtures.date("2029-01-01T00:00:00Z"), to: TLSFixtures.date("2029-12-31T00:00:00Z"))
        let result = Self.translate([expired.secret(namespace: "sluice", name: "fallback")])
        #expect(result.table.certificates.defaultCertificate == nil)
        #expect(result.diagnostics.map(\.description) == [
            "Secret sluice/fallback TLSCertificateExpired: --default-ssl-certificate: secret sluice/fallback holds a certificate that expired at 2029-12-31T00:00:00Z; the generated certificate is served instead",
        ])
        #expect(Self.translate([]).diagnostics.map(\.reason) == [DiagnosticReason.tlsSecretNotFound])
    }
}
