import NIOHTTP1
import SluiceRouting
import Testing

@testable import SluiceProxy

/// `RequestDecision` with a route's allow and deny lists: `403` for an address they keep out,
/// the request forwarded otherwise.
@Suite("Source-range decisions")
struct SourceRangeDecisionTests {
    private static let table = RoutingTable(routes: [
        Route(
            host: HostMatch(ingressHost: "example.com"), path: .prefix(ingressPath: "/"),
            backend: Backend(name: "default/app:80", endpoints: [Endpoint(host: "10.0.0.1", port: 8080)]),
            policy: RoutePolicy(sourceRanges: SourceRanges(
                allow: [AddressRange("10.0.0.0/8")!, AddressRange("2001:db8::/32")!], deny: [AddressRange("10.9.0.0/16")!])),
            source: "default/a")
    ])

    private static func decide(_ client: String?) -> RequestDecision {
        RequestDecision.decide(
            HTTPRequestHead(version: .http1_1, method: .GET, uri: "/", headers: HTTPHeaders([("Host", "example.com")])),
            table: table, configuration: ProxyConfiguration(), secure: false, facts: ClientConnectionFacts(clientIP: client, localPort: 80, proto: "http", clientAddress: client.flatMap(IPAddress.init)))
    }

    @Test(arguments: [("10.1.2.3", true), ("2001:db8::5", true), ("10.9.1.1", false), ("192.0.2.1", false), (nil, false)])
    func theListsDecide(client: String?, forwarded: Bool) {
        switch Self.decide(client) {
        case .forward: #expect(forwarded, "\(client ?? "unknown") forwarded")
        case .refuse(let error, false):
            #expect(!forwarded, "\(client ?? "unknown") refused")
            #expect(error.status == .forbidden)
        default: Issue.record("\(client ?? "unknown"): unexpected decision")
        }
    }

    /// Behind a trusted proxy the allow list judges the client its `X-Forwarded-For` names; from
    /// anyone else the same field is ignored (a spoofed chain gets nothing).
    @Test func behindATrustedProxyTheChainNamesTheClient() {
        let trusted = [AddressRange("192.0.2.0/24")!]
        func decide(peer: String, chain: String) -> RequestDecision {
            RequestDecision.decide(
                HTTPRequestHead(
                    version: .http1_1, method: .GET, uri: "/", headers: HTTPHeaders([("Host", "example.com"), ("X-Forwarded-For", chain)])),
                table: Self.table, configuration: ProxyConfiguration(), secure: false,
                facts: ClientConnectionFacts(
                    clientIP: peer, localPort: 80, proto: "http", clientAddress: IPAddress(peer), trustedProxies: trusted))
        }
        guard case .forward = decide(peer: "192.0.2.10", chain: "10.1.2.3") else {
            Issue.record("an allowed client behind the trusted proxy was refused")
            return
        }
        guard case .refuse = decide(peer: "192.0.2.10", chain: "203.0.113.5") else {
            Issue.record("a client outside the list behind the trusted proxy was let in")
            return
        }
        guard case .refuse = decide(peer: "198.51.100.7", chain: "10.1.2.3") else {
            Issue.record("a spoofed chain from an untrusted peer was believed")
            return
        }
        guard case .refuse = decide(peer: "192.0.2.10", chain: "not-an-address") else {
            Issue.record("a garbled chain from the trusted proxy let the request in")
            return
        }
    }
}
