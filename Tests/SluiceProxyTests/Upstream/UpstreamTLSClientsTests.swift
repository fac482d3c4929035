import SluiceRouting
import SluiceTestSupport
import Testing

@testable import SluiceProxy

/// One client per setting, each with its own pool id; contexts shared by the settings that
/// differ only in the name.
@Suite("Upstream TLS clients")
struct UpstreamTLSClientsTests {
    @Test func aSettingGetsOneClientAndSettingsShareContextsByTrust() throws {
        let ca = try TestCertificateAuthority(commonName: "Backend CA")
        let clients = UpstreamTLSClients()
        let web = UpstreamTLS(serverName: "web.shop.svc", verify: true, trustedCertificatesPEM: ca.certificatePEM)
        var api = web
        api.serverName = "api.shop.svc"
        var unverified = web
        unverified.verify = false

        let first = clients.client(for: web)
        #expect(clients.client(for: web) === first)
        let second = clients.client(for: api)
        #expect(second.id != first.id && first.id != 0 && second.id != 0)
        #expect(clients.contextCount == 1)
        _ = clients.client(for: unverified)
        _ = clients.client(for: web, applicationProtocols: ["h2"])
        #expect(clients.contextCount == 3)
        #expect(try first.makeHandler() !== (try second.makeHandler()))
    }

    @Test func anIPAddressIsNeverTheHostname() {
        let clients = UpstreamTLSClients()
        #expect(clients.client(for: UpstreamTLS(serverName: "10.0.0.7")).hostname == nil)
        #expect(clients.client(for: UpstreamTLS(serverName: "fd00::7")).hostname == nil)
        #expect(clients.client(for: UpstreamTLS(serverName: "web.shop.svc")).hostname == "web.shop.svc")
    }

    @Test func unreadableTrustFailsEachHandshakeWithAReason() {
        let client = UpstreamTLSClients().client(for: UpstreamTLS(verify: true, trustedCertificatesPEM: "not a certificate"))
        #expect(throws: UpstreamTLSFailure.self) { try client.makeHandler() }
    }
}
