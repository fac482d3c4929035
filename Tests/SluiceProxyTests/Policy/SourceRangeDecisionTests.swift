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
            table: table, configuration: ProxyConfiguration(), secure: false, clientAddress: client.flatMap(IPAddress.init))
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
}
