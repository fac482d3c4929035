import SluiceRouting
import Testing

/// SNI selection as a table: exact host, then a wildcard one label up, then the default.
@Suite("Certificate table")
struct CertificateTableTests {
    private static func certificate(_ source: String) -> ServingCertificate {
        ServingCertificate(
            chainPEM: "-----BEGIN CERTIFICATE-----\n\(source)\n-----END CERTIFICATE-----\n",
            privateKeyPEM: "-----BEGIN PRIVATE KEY-----\nsecret-\(source)\n-----END PRIVATE KEY-----\n",
            source: source, fingerprint: String(repeating: "ab", count: 32), notAfter: 2_000_000_000)
    }

    private static let app = certificate("default/app-tls")
    private static let wild = certificate("default/wild-tls")
    private static let fallback = certificate("default/fallback-tls")
    private static let table = CertificateTable(
        hosts: ["app.example.com": app, "*.example.com": wild, "*.Other.Example": wild], defaultCertificate: fallback)

    @Test(arguments: [
        ("app.example.com", "default/app-tls"),
        ("APP.Example.COM.", "default/app-tls"),
        ("chat.example.com", "default/wild-tls"),
        ("x.other.example", "default/wild-tls"),
        ("a.b.example.com", "default/fallback-tls"),
        ("example.com", "default/fallback-tls"),
        (".example.com", "default/fallback-tls"),
        ("unknown.test", "default/fallback-tls"),
    ])
    func aServerNameGetsTheMostSpecificCertificate(name: String, expected: String) {
        #expect(Self.table.certificate(forServerName: name)?.source == expected)
    }

    @Test func aClientWithoutServerNameGetsTheDefault() {
        #expect(Self.table.certificate(forServerName: nil) == Self.fallback)
        #expect(CertificateTable(hosts: ["app.example.com": Self.app]).certificate(forServerName: nil) == nil)
    }

    @Test func onlyHostsWithTheirOwnCertificateAreTLSHosts() {
        #expect(Self.table.hostCertificate("app.example.com") == Self.app)
        #expect(Self.table.hostCertificate("chat.example.com") == Self.wild)
        #expect(Self.table.hostCertificate("unknown.test") == nil)
    }

    /// The key appears nowhere a table is shown.
    @Test func theTextFormNamesCertificatesWithoutTheirKeys() {
        let text = RoutingTableText.render(RoutingTable(routes: [], certificates: Self.table))
        #expect(
            text == """
                tls app.example.com default/app-tls sha256:abababababababab
                tls *.example.com default/wild-tls sha256:abababababababab
                tls *.other.example default/wild-tls sha256:abababababababab
                tls default default/fallback-tls sha256:abababababababab

                """)
        #expect(!text.contains("secret-"))
        #expect(!"\(Self.app)".contains("secret-"))
    }

    @Test func certificatesArePartOfTheTablesIdentity() {
        let plain = RoutingTable(routes: [])
        let withTLS = RoutingTable(routes: [], certificates: Self.table)
        #expect(plain != withTLS)
        #expect(withTLS.replica(forLoop: 0) == withTLS)
    }
}
