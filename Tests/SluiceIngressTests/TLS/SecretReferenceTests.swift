import KubeModels
import SluiceIngress
import SluiceRouting
import SluiceTestSupport
import Testing

/// What translation tells the controller about Secrets: which ones it reads (the controller keeps
/// only their data), and how it treats one whose data is still being fetched.
@Suite("referenced and unloaded Secrets")
struct SecretReferenceTests {
    static let ca = try! TestCertificateAuthority()

    @Test func theReferencedSecretsAreOurIngressesSpecTLSOnesAndTheDefaultCertificate() {
        var theirs = TLSFixtures.ingress("theirs", hosts: ["other.example.com"], tls: [(["other.example.com"], "other-tls")])
        theirs.metadata.annotations = ["kubernetes.io/ingress.class": "nginx"]
        let ours = TLSFixtures.ingress(
            hosts: ["shop.example.com"], tls: [(["shop.example.com"], "shop-tls"), (["api.example.com"], "missing-tls")])
        var options = TLSFixtures.options
        options.defaultCertificateSecret = "sluice/fallback"
        let result = IngressTranslator.translate(
            ClusterSnapshot(ingresses: [ours, theirs], services: [TLSFixtures.service()]), options: options,
            now: TLSFixtures.now)

        #expect(result.referencedSecrets == ["default/shop-tls", "default/missing-tls", "sluice/fallback"])
    }

    @Test func anUnloadedSecretLeavesItsHostsToTheDefaultCertificateWithoutAWarning() throws {
        let good = try TLSFixtures.leaf(Self.ca, ["good.example.com"])
        let ingress = TLSFixtures.ingress(
            hosts: ["good.example.com", "pending.example.com"],
            tls: [(["good.example.com"], "good"), (["pending.example.com"], "pending")])
        let result = IngressTranslator.translate(
            ClusterSnapshot(
                ingresses: [ingress], services: [TLSFixtures.service()], secrets: [good.secret(name: "good")],
                unloadedSecrets: ["default/pending"]),
            options: TLSFixtures.options, now: TLSFixtures.now)

        #expect(result.diagnostics.isEmpty)
        #expect(result.table.certificates.hostCertificate("pending.example.com") == nil)
        #expect(result.table.certificates.hostCertificate("good.example.com")?.fingerprint == good.fingerprint)
        #expect(result.table.routes.map(\.host.text).sorted() == ["good.example.com", "pending.example.com"])
        #expect(result.referencedSecrets == ["default/good", "default/pending"])
    }

    @Test func anUnloadedDefaultCertificateIsLeftOutWithoutAWarning() {
        var options = TLSFixtures.options
        options.defaultCertificateSecret = "sluice/fallback"
        let result = IngressTranslator.translate(
            ClusterSnapshot(unloadedSecrets: ["sluice/fallback"]), options: options, now: TLSFixtures.now)
        #expect(result.diagnostics.isEmpty)
        #expect(result.table.certificates.defaultCertificate == nil)
    }
}
