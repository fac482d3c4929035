import NIOHTTP1
import SluiceRouting
import Testing

@testable import SluiceProxy

/// `ClientCertificateDecision` as a table: each verification mode against each thing a
/// handshake can establish, and the fields that go upstream.
@Suite("Client certificate decision")
struct ClientCertificateDecisionTests {
    private static let trust = ClientCertificateAuth.Trust(certificatesPEM: "-----BEGIN CERTIFICATE-----\nCA\n", depth: 1)
    private static let otherTrust = ClientCertificateAuth.Trust(certificatesPEM: "-----BEGIN CERTIFICATE-----\nOTHER\n", depth: 1)
    private static let head = HTTPRequestHead(
        version: .http1_1, method: .GET, uri: "/",
        headers: ["Host": "secure.example.com", "SSL-Client-Verify": "SUCCESS", "ssl-client-subject-dn": "CN=admin", "Accept": "*/*"])

    private static func facts(_ certificate: ClientCertificateFacts?) -> ClientConnectionFacts {
        ClientConnectionFacts(clientIP: "192.0.2.7", localPort: 443, proto: "https", clientCertificate: certificate)
    }

    private static let none = ClientCertificateFacts(trust: trust, outcome: .none)
    private static let verified = ClientCertificateFacts(
        trust: trust, outcome: .verified, subjectDN: "CN=alice,O=Example", issuerDN: "CN=CA", escapedPEM: "-----BEGIN%20CERTIFICATE")
    private static let failed = ClientCertificateFacts(
        trust: trust, outcome: .failed("certificate has expired"), subjectDN: "CN=old", issuerDN: "CN=CA", escapedPEM: "x")

    private static func decide(
        _ verification: ClientCertificateAuth.Verification, _ certificate: ClientCertificateFacts?, pass: Bool = false,
        errorPage: String? = nil
    ) -> ClientCertificateDecision.Outcome {
        let auth = ClientCertificateAuth(
            trust: trust, source: "default/ca", verification: verification, passCertificate: pass, errorPage: errorPage)
        return ClientCertificateDecision.decide(head, auth: auth, facts: facts(certificate))
    }

    private static func status(_ result: ClientCertificateDecision.Outcome) -> HTTPResponseStatus? {
        if case .refuse(let answer) = result { return answer.status }
        return nil
    }

    private static func passed(_ result: ClientCertificateDecision.Outcome) throws -> HTTPRequestHead {
        guard case .pass(let head) = result else { throw Refused() }
        return head
    }

    private struct Refused: Error {}

    @Test func eachModeAgainstEachOutcome() {
        #expect(Self.status(Self.decide(.on, Self.none)) == .badRequest)
        #expect(Self.status(Self.decide(.on, Self.failed)) == .badRequest)
        #expect(Self.status(Self.decide(.on, Self.verified)) == nil)
        #expect(Self.status(Self.decide(.optional, Self.none)) == nil)
        #expect(Self.status(Self.decide(.optional, Self.failed)) == .badRequest)
        #expect(Self.status(Self.decide(.optional, Self.verified)) == nil)
        #expect(Self.status(Self.decide(.optionalNoCA, Self.none)) == nil)
        #expect(Self.status(Self.decide(.optionalNoCA, Self.failed)) == nil)
        #expect(Self.status(Self.decide(.optionalNoCA, Self.verified)) == nil)
    }

    @Test func nginxsPagesAndTheErrorPage() throws {
        guard case .refuse(let missing) = Self.decide(.on, Self.none), case .refuse(let bad) = Self.decide(.on, Self.failed),
            case .refuse(let redirected) = Self.decide(.on, Self.failed, errorPage: "/cert-help")
        else { Issue.record("not refused"); return }
        #expect(missing.message == "No required SSL certificate was sent")
        #expect(bad.message == "The SSL certificate error")
        #expect(redirected.status == .found)
        #expect(redirected.location == "/cert-help")
    }

    /// A connection whose handshake asked for nothing, or against another CA, never passes.
    @Test func aConnectionThatDidNotCheckThisTrustIsMisdirected() {
        for mode in ClientCertificateAuth.Verification.allCases {
            #expect(Self.status(Self.decide(mode, nil)) == .misdirectedRequest)
            #expect(Self.status(Self.decide(mode, ClientCertificateFacts(trust: Self.otherTrust, outcome: .verified))) == .misdirectedRequest)
        }
    }

    @Test func theClientsFieldsAreReplacedByTheHandshakes() throws {
        let forwarded = try Self.passed(Self.decide(.on, Self.verified, pass: true))
        #expect(forwarded.headers["ssl-client-verify"] == ["SUCCESS"])
        #expect(forwarded.headers["ssl-client-subject-dn"] == ["CN=alice,O=Example"])
        #expect(forwarded.headers["ssl-client-issuer-dn"] == ["CN=CA"])
        #expect(forwarded.headers["ssl-client-cert"] == ["-----BEGIN%20CERTIFICATE"])
        #expect(forwarded.headers["accept"] == ["*/*"])
        let none = try Self.passed(Self.decide(.optional, Self.none, pass: true))
        #expect(none.headers["ssl-client-verify"] == ["NONE"])
        #expect(!none.headers.contains(name: "ssl-client-subject-dn"), "the client's CN=admin is gone")
        #expect(!none.headers.contains(name: "ssl-client-cert"))
        let failed = try Self.passed(Self.decide(.optionalNoCA, Self.failed))
        #expect(failed.headers["ssl-client-verify"] == ["FAILED:certificate has expired"])
        #expect(!failed.headers.contains(name: "ssl-client-cert"), "only with pass-certificate-to-upstream")
    }

    @Test func theCertificateIsEscapedAsNginxDoes() {
        #expect(ClientCertificateVerifier.escaped("-----BEGIN CERTIFICATE-----\nMIIB+/a=\n") == "-----BEGIN%20CERTIFICATE-----%0AMIIB%2B%2Fa%3D%0A")
    }
}
