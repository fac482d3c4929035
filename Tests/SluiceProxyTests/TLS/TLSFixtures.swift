import Foundation
import SluiceRouting
import SluiceTestSupport

/// A TLS listener's certificates for tests: a test CA (its certificate in a file for clients to
/// trust) and serving certificates it issues.
struct TLSFixture {
    let ca: TestCertificateAuthority
    let caFile: URL

    init() throws {
        ca = try TestCertificateAuthority()
        caFile = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-test-ca-\(UUID().uuidString).pem")
        try ca.certificatePEM.write(to: caFile, atomically: true, encoding: .utf8)
    }

    /// A certificate table serving `host` with a certificate the CA issued for it.
    func certificates(for host: String) throws -> CertificateTable {
        let issued = try ca.issue(dnsNames: [host])
        let serving = ServingCertificate(
            chainPEM: issued.chainPEM, privateKeyPEM: issued.privateKeyPEM, source: "default/\(host)-tls",
            fingerprint: issued.fingerprint, notAfter: Int64(issued.notValidAfter.timeIntervalSince1970))
        return CertificateTable(hosts: [host: serving])
    }

    /// `table` with `certificates` for its TLS listener.
    static func table(_ table: RoutingTable, certificates: CertificateTable) -> RoutingTable {
        RoutingTable(routes: table.routes, certificates: certificates)
    }
}
