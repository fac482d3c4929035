import NIOHTTP1
import SluiceRouting
import Testing

@testable import SluiceProxy

/// Which requests a canary takes, as a table: the header, then the cookie, then the weight.
@Suite("Canary decisions")
struct CanaryDecisionTests {
    private static func takes(_ fields: [(String, String)], _ rule: CanaryRule, roll: Double = 0.99) -> Bool {
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/", headers: HTTPHeaders(fields))
        return CanaryDecision.takes(head, rule: rule, roll: { roll })
    }

    @Test func theHeaderDecidesFirstThenTheCookieThenTheWeight() {
        let rule = CanaryRule(header: "X-Canary", cookie: "canary", weight: 10)
        #expect(Self.takes([("X-Canary", "always")], rule))
        #expect(!Self.takes([("X-Canary", "never"), ("Cookie", "canary=always")], rule, roll: 0))
        #expect(Self.takes([("X-Canary", "maybe"), ("Cookie", "a=1; canary=always")], rule))
        #expect(!Self.takes([("Cookie", "canary=never")], rule, roll: 0))
        #expect(Self.takes([("Cookie", "canary=other")], rule, roll: 0.05))
        #expect(!Self.takes([], rule, roll: 0.1))
        #expect(Self.takes([], rule, roll: 0.0999))
    }

    @Test func aHeaderValueReplacesAlwaysAndNever() {
        let rule = CanaryRule(header: "X-Region", headerValue: "eu-west")
        #expect(Self.takes([("X-Region", "eu-west")], rule))
        #expect(!Self.takes([("X-Region", "always")], rule))
        #expect(!Self.takes([("X-Region", "us-east")], rule))
        #expect(!Self.takes([], rule, roll: 0))
    }

    @Test func aFullWeightTakesEverythingAndNoWeightNothing() {
        #expect(Self.takes([], CanaryRule(weight: 100), roll: 0.999))
        #expect(Self.takes([], CanaryRule(weight: 5, weightTotal: 5), roll: 0.999))
        #expect(!Self.takes([], CanaryRule(weight: 0), roll: 0))
    }

    /// The route's other checks come first; a canary without endpoints takes nothing.
    @Test func aCanaryWithoutEndpointsLeavesTheRequestOnTheMainBackend() {
        let main = Backend(name: "default/main:80", endpoints: [Endpoint(host: "10.0.0.1", port: 80)])
        let empty = RouteCanary(backend: Backend(name: "default/canary:80", endpoints: []), rule: CanaryRule(weight: 100), source: "default/canary")
        let full = RouteCanary(
            backend: Backend(name: "default/canary:80", endpoints: [Endpoint(host: "10.0.0.2", port: 80)]), rule: CanaryRule(weight: 100),
            source: "default/canary")
        for (canary, expected) in [(empty, "default/main"), (full, "default/canary")] {
            let table = RoutingTable(routes: [
                Route(host: .exact("a.com"), path: .prefix(ingressPath: "/"), backend: main, source: "default/main", canary: canary)
            ])
            let decision = RequestDecision.decide(
                HTTPRequestHead(version: .http1_1, method: .GET, uri: "/", headers: HTTPHeaders([("Host", "a.com")])), table: table,
                configuration: ProxyConfiguration(), secure: false,
                facts: ClientConnectionFacts(clientIP: "192.0.2.7", localPort: 80, proto: "http", clientAddress: IPAddress("192.0.2.7")),
                roll: { 0.5 })
            guard case .forward(_, let route, _) = decision else {
                Issue.record("not forwarded: \(decision)")
                continue
            }
            #expect(route.source == expected)
        }
    }
}
