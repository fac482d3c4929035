import NIOHTTP1
import SluiceRouting
import Testing

@testable import SluiceProxy

/// `RequestDecision` with body limits: a declared `Content-Length` over the limit in force is
/// refused `413` from the head; the route's limit overrides the proxy's, and `0` is no limit.
@Suite("Request body limit decisions")
struct RequestBodyLimitTests {
    private static func decide(length: String?, route: Int64?, proxy: Int64) -> RequestDecision {
        let table = RoutingTable(routes: [
            Route(
                host: HostMatch(ingressHost: "example.com"), path: .prefix(ingressPath: "/"),
                backend: Backend(name: "default/app:80", endpoints: [Endpoint(host: "10.0.0.1", port: 8080)]),
                policy: RoutePolicy(maxRequestBodyBytes: route), source: "default/a")
        ])
        var headers = HTTPHeaders([("Host", "example.com")])
        if let length { headers.add(name: "Content-Length", value: length) }
        return RequestDecision.decide(
            HTTPRequestHead(version: .http1_1, method: .POST, uri: "/", headers: headers),
            table: table, configuration: ProxyConfiguration(maxRequestBodyBytes: proxy), secure: false,
            facts: ClientConnectionFacts(clientIP: "10.1.1.1", localPort: 80, proto: "http"))
    }

    @Test(arguments: [
        ("1048576", nil, Int64(1 << 20), false), ("1048577", nil, 1 << 20, true), ("2000", 1000, 1 << 20, true),
        ("2000000", 0, 1 << 20, false), ("2000000", nil, 0, false), ("1001", 1000, 0, true), ("1000", 1000, 0, false),
        (nil, 10, 10, false),
    ] as [(String?, Int64?, Int64, Bool)])
    func aDeclaredLengthOverTheLimitIsRefused(length: String?, route: Int64?, proxy: Int64, refused: Bool) {
        switch Self.decide(length: length, route: route, proxy: proxy) {
        case .refuse(let error, true):
            #expect(refused)
            #expect(error == .payloadTooLarge)
        case .forward(_, _, let policy):
            #expect(!refused)
            #expect(policy.maxRequestBodyBytes == RequestBodyLimit.bytes(
                route: RoutePolicy(maxRequestBodyBytes: route), configuration: ProxyConfiguration(maxRequestBodyBytes: proxy)))
        default: Issue.record("unexpected decision")
        }
    }

    @Test func theRoutesLimitOverridesTheProxys() {
        let proxy = ProxyConfiguration(maxRequestBodyBytes: 100)
        #expect(RequestBodyLimit.bytes(route: RoutePolicy(), configuration: proxy) == 100)
        #expect(RequestBodyLimit.bytes(route: RoutePolicy(maxRequestBodyBytes: 5), configuration: proxy) == 5)
        #expect(RequestBodyLimit.bytes(route: RoutePolicy(maxRequestBodyBytes: 0), configuration: proxy) == nil)
        #expect(RequestBodyLimit.bytes(route: RoutePolicy(), configuration: ProxyConfiguration()) == nil)
    }
}
