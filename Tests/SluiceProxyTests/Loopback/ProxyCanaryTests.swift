import SluiceRouting
import SluiceTestSupport
import Testing

@testable import SluiceProxy

/// A route with a canary, over real sockets: the header and the cookie pick the canary or the
/// main upstream every time; the weight sends about its share, judged over 2,000 requests.
@Suite("Proxy canary")
struct ProxyCanaryTests {
    private static func table(main: UpstreamServer, canary: UpstreamServer, rule: CanaryRule) -> RoutingTable {
        RoutingTable(routes: [
            Route(
                host: .exact("example.com"), path: .prefix(ingressPath: "/"),
                backend: Backend(name: "default/main:80", endpoints: [.local(main)]), source: "default/main",
                canary: RouteCanary(
                    backend: Backend(name: "default/canary:80", endpoints: [.local(canary)]), rule: rule, source: "default/canary"))
        ])
    }

    @Test func theHeaderAndTheCookieChooseEveryTime() async throws {
        try await withUpstream(.echo) { main in
            try await withUpstream(.echo) { canary in
                let rule = CanaryRule(header: "X-Canary", cookie: "canary", weight: 0)
                try await withProxy(Self.table(main: main, canary: canary, rule: rule)) { proxy in
                    let client = try await proxy.connect()
                    for (extra, expected) in [
                        (["X-Canary: always"], canary.port), (["X-Canary: never"], main.port), ([], main.port),
                        (["Cookie: canary=always"], canary.port), (["X-Canary: never", "Cookie: canary=always"], main.port),
                    ] {
                        for _ in 0..<5 {
                            try await client.send(get("/", extra: extra))
                            let response = try await client.readResponse()
                            #expect(response.status == 200)
                            #expect(response.header("x-upstream-port") == String(expected), "\(extra)")
                        }
                    }
                    await client.close()
                }
            }
        }
    }

    /// 2,000 requests at weight 30/100: the canary's count is binomial (mean 600, standard
    /// deviation 20.5); 5 standard deviations either side fail once in millions of runs.
    @Test func theWeightSendsItsShare() async throws {
        try await withUpstream(.echo) { main in
            try await withUpstream(.echo) { canary in
                try await withProxy(Self.table(main: main, canary: canary, rule: CanaryRule(weight: 30))) { proxy in
                    let client = try await proxy.connect()
                    var toCanary = 0
                    for _ in 0..<2000 {
                        try await client.send(get("/"))
                        let response = try await client.readResponse()
                        if response.header("x-upstream-port") == String(canary.port) { toCanary += 1 }
                    }
                    #expect((498...702).contains(toCanary), "\(toCanary) of 2000 to the canary")
                    await client.close()
                }
            }
        }
    }
}
