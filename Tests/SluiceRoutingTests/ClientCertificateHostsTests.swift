import SluiceRouting
import Testing

/// Which server names' handshakes ask for a client certificate: as requests are routed (exact,
/// then wildcard one label up, then routes without a host), and nothing for a table without.
@Suite("Client certificate hosts")
struct ClientCertificateHostsTests {
    private static func trust(_ name: String) -> ClientCertificateAuth.Trust {
        ClientCertificateAuth.Trust(certificatesPEM: name, depth: 1)
    }

    private static func route(_ host: HostMatch, _ trust: ClientCertificateAuth.Trust?, path: String = "/") -> Route {
        var policy = RoutePolicy.default
        policy.clientCertificate = trust.map { ClientCertificateAuth(trust: $0, source: "default/ca", verification: .on) }
        return Route(host: host, path: .prefix(ingressPath: path), backend: Fixture.backend("default/svc:80"), policy: policy, source: "default/ing")
    }

    @Test func aTableWithoutClientCertificatesAsksNoOne() {
        let table = RoutingTable(routes: [Self.route(.exact("a.example.com"), nil), Self.route(.any, nil)])
        #expect(table.clientCertificateHosts.isEmpty)
        #expect(table.clientCertificateHosts.trust(forServerName: "a.example.com") == nil)
    }

    @Test func serverNamesFindTheirTrustAsRequestsFindRoutes() {
        let table = RoutingTable(routes: [
            Self.route(.exact("secure.example.com"), Self.trust("exact"), path: "/api"),
            Self.route(.exact("secure.example.com"), nil),
            Self.route(.wildcard(suffix: ".shop.test"), Self.trust("wild")),
            Self.route(.exact("open.example.com"), nil),
        ])
        let hosts = table.clientCertificateHosts
        #expect(!hosts.isEmpty)
        #expect(hosts.trust(forServerName: "Secure.Example.com.") == Self.trust("exact"), "any route of the host asks")
        #expect(hosts.trust(forServerName: "a.shop.test") == Self.trust("wild"))
        #expect(hosts.trust(forServerName: "a.b.shop.test") == nil)
        #expect(hosts.trust(forServerName: "open.example.com") == nil)
        #expect(hosts.trust(forServerName: nil) == nil)
        let catchAll = RoutingTable(routes: [Self.route(.any, Self.trust("any"))]).clientCertificateHosts
        #expect(catchAll.trust(forServerName: "whatever.test") == Self.trust("any"))
        #expect(catchAll.trust(forServerName: nil) == Self.trust("any"), "a client without SNI reaches the catch-all routes")
    }
}
