import Foundation
@testable import SluiceProxy
import SluiceRouting
import SluiceTestSupport
import Testing

/// Per-client limits through the real proxy, judged by counts: a burst over a rate gets exactly
/// the expected number of `503`s with `Retry-After` (the rate refills once an hour, so timing
/// cannot change the count); event streams held open fill `max-streams` and the next request is
/// refused until one ends; the allow list exempts the loopback client.
@Suite("Proxy: client limits")
struct ProxyClientLimitsTests {
    @Test(arguments: [(HTTPVersionUnderTest.http1, 6), (.http2, 6)])
    func aBurstOverTheRateGetsExactlyTheExpected503s(version: HTTPVersionUnderTest, refusals: Int) async throws {
        let limits = ClientLimits(rates: [RequestRate(requests: 1, period: .seconds(3600), burst: 3)])
        try await withProxy(upstream: .echo, policy: RoutePolicy(clientLimits: limits), configuration: ProxyConfiguration(h2c: true)) {
            proxy, _ in
            var statuses: [Int] = []
            var retryAfter: [String] = []
            for _ in 0..<10 {
                let result = try await CurlProcess.run(
                    ["-sS", "-D", "-", "-o", "/dev/null", version.curlFlag, "-H", "Host: example.com", "http://127.0.0.1:\(proxy.port)/"])
                let lines = result.stdout.split(whereSeparator: \.isNewline)
                statuses.append(Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0)
                retryAfter += lines.filter { $0.lowercased().hasPrefix("retry-after:") }.map { String($0.dropFirst(12)).trimmingCharacters(in: .whitespaces) }
            }
            #expect(statuses.filter { $0 == 200 }.count == 10 - refusals, "\(statuses)")
            #expect(statuses.filter { $0 == 503 }.count == refusals, "\(statuses)")
            #expect(retryAfter.count == refusals)
            #expect(retryAfter.allSatisfy { (Int($0) ?? 0) > 3000 }, "\(retryAfter)")
        }
    }

    @Test func theAllowlistExempts() async throws {
        let limits = ClientLimits(
            rates: [RequestRate(requests: 1, period: .seconds(3600), burst: 0)], exempt: [AddressRange("127.0.0.0/8")!])
        try await withProxy(upstream: .echo, policy: RoutePolicy(clientLimits: limits)) { proxy, _ in
            let client = try await proxy.connect()
            for _ in 0..<5 {
                try await client.send(get("/"))
                #expect(try await client.readResponse().status == 200)
            }
        }
    }

    /// `max-streams` 2: two event streams held open fill it; a third request is `503`; once
    /// the streams end, a request is served again.
    @Test func eventStreamsHeldOpenFillMaxStreams() async throws {
        let permits = UpstreamPermits()
        let policy = RoutePolicy(clientLimits: ClientLimits(maxInFlight: 2))
        try await withProxy(upstream: .eventStream(count: 2, permits: permits, freeEvents: 1), policy: policy) { proxy, upstream in
            var streams: [TestClient] = []
            for _ in 0..<2 {
                let client = try await proxy.connect()
                try await client.send(get("/events"))
                try await client.waitForText("data: event 0")
                streams.append(client)
            }
            let third = try await proxy.connect()
            try await third.send(get("/events"))
            let refused = try await third.readResponse()
            #expect(refused.status == 503)
            #expect(refused.header("retry-after") == "1")
            #expect(upstream.acceptedConnections == 2)
            permits.grant(2)
            for stream in streams { try await stream.waitForText("data: event 1") }
            try await waitUntil { inFlight(proxy) == 0 }
            try await third.send(get("/events"))
            permits.grant(1)
            #expect(try await third.readResponse().status == 200)
        }
    }

    /// `limit-connections` counts requests in flight too: one upstream that never answers holds
    /// the only place; a second request from the same client is refused at once.
    @Test func limitConnectionsRefusesTheRequestOverIt() async throws {
        let policy = RoutePolicy(clientLimits: ClientLimits(maxInFlight: 1))
        try await withProxy(upstream: .silent, policy: policy) { proxy, _ in
            let first = try await proxy.connect()
            try await first.send(get("/slow"))
            try await waitUntil { inFlight(proxy) == 1 }
            let second = try await proxy.connect()
            try await second.send(get("/"))
            let response = try await second.readResponse()
            #expect(response.status == 503)
            #expect(response.bodyText == "too many requests from this client\n")
            await first.close()
            try await waitUntil { inFlight(proxy) == 0 }
        }
    }
}

/// The loopback client's requests in flight on the test route.
private func inFlight(_ proxy: ProxyUnderTest) -> Int {
    proxy.dataPlane.clientLimiter.inFlight(ClientLimiter.Key(ingress: "default/test", address: IPAddress("127.0.0.1")))
}

enum HTTPVersionUnderTest: Sendable {
    case http1, http2
    var curlFlag: String { self == .http1 ? "--http1.1" : "--http2-prior-knowledge" }
}
