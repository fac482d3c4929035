import Foundation
import SluiceRouting
import SluiceTestSupport
import Testing

@testable import SluiceProxy

/// Clients that abuse HTTP/2 (`h2_client.py`'s misbehaving modes, over h2c): each is sent GOAWAY
/// or closed, while a well-behaved client on another connection keeps getting every event of
/// its stream in time, and the proxy goes on serving.
@Suite("HTTP/2 hardening", .serialized)
struct HTTP2HardeningTests {
    /// Runs `attack` against a proxy with h2c on while one event stream on its own connection
    /// is watched: every event it is permitted must arrive within 3 s (the tests run in parallel), during the attack
    /// and after it. Returns what the attacker printed.
    private func survive(_ mode: String, _ arguments: [String]) async throws -> H2ClientScript {
        let permits = UpstreamPermits()
        return try await withUpstream(.eventStream(count: 1000, permits: permits, freeEvents: 1)) { events in
            try await withUpstream(.echo) { echo in
                // The attacker's requests go to their own upstream: the watched stream's permits
                // are its own.
                let routes = RoutingTable(routes: [
                    Route(
                        host: HostMatch(ingressHost: "example.com"), path: .prefix(ingressPath: "/events"),
                        backend: Backend(name: "default/events:80", endpoints: [.local(events)]), policy: .default,
                        source: "default/events"),
                    Route(
                        host: HostMatch(ingressHost: "example.com"), path: .prefix(ingressPath: "/"),
                        backend: Backend(name: "default/echo:80", endpoints: [.local(echo)]), policy: .default, source: "default/echo"),
                ])
                return try await withProxy(routes, configuration: ProxyConfiguration(h2c: true)) { proxy in
                    try await watchWhileAttacked(proxy: proxy, permits: permits, mode, arguments)
                }
            }
        }
    }

    private func watchWhileAttacked(
        proxy: ProxyUnderTest, permits: UpstreamPermits, _ mode: String, _ arguments: [String]
    ) async throws -> H2ClientScript {
        let watcher = try H2ClientScript(port: proxy.httpsPort, tls: true, "sse", ["1", "/events"])
        defer { watcher.process.terminate() }
        try await watcher.waitUntil("the watched stream's first event") { $0.eventCount == 1 }
        let attacker = try H2ClientScript(port: proxy.port, tls: false, mode, arguments)
        defer { attacker.process.terminate() }
        var expected = 1
        let deadline = ContinuousClock.now + .seconds(20)
        while attacker.process.isRunning, ContinuousClock.now < deadline {
            permits.grant()
            expected += 1
            try await watcher.waitUntil("event \(expected) during the attack", timeout: .seconds(3)) { $0.eventCount == expected }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(!attacker.process.isRunning, "the attacker was cut off: \(attacker.process.stdout.suffix(500))")
        permits.grant()
        try await watcher.waitUntil("an event after the attack", timeout: .seconds(3)) { $0.eventCount == expected + 1 }
        // The proxy still serves new connections.
        let after = try await CurlProcess.run([
            "-k", "--http2", "-H", "Host: example.com", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10",
            "https://127.0.0.1:\(proxy.httpsPort)/",
        ])
        #expect(after.stdout == "200")
        return attacker
    }

    /// The proxy closed the attacker's connection (after a GOAWAY the attacker may not have read
    /// before its unread bytes made the close a reset); a GOAWAY alone leaves it open.
    private func cutOff(_ attacker: H2ClientScript) -> Bool {
        !attacker.lines("closed").isEmpty && attacker.lines("error").isEmpty
    }

    /// CVE-2023-44487: streams opened and reset at once, thousands of them.
    @Test func rapidReset() async throws {
        let attacker = try await survive("rapid-reset", ["5000"])
        #expect(cutOff(attacker), "\(attacker.process.stdout.suffix(500))")
    }

    /// CVE-2024-27316: a header block that never ends, in CONTINUATION frames.
    @Test func continuationFlood() async throws {
        let attacker = try await survive("continuation-flood", [])
        #expect(cutOff(attacker), "\(attacker.process.stdout.suffix(500))")
    }

    /// A header list longer than `maxHeaderBytes` (HPACK-decoded): the request is refused, and
    /// its decoded size never buffered whole.
    @Test func oversizedHeaderList() async throws {
        let attacker = try await survive("big-headers", ["100000"])
        #expect(
            cutOff(attacker) || !attacker.lines("reset").isEmpty || attacker.lines("status").first?[2] == "431",
            "\(attacker.process.stdout.suffix(500))")
        #expect(attacker.lines("status").first?[2] != "200")
    }

    /// An HPACK bomb: a field added to the dynamic table once and referenced a thousand times
    /// is a few KB on the wire and 4 MB decoded; the decoded size is what the limit counts.
    @Test func hpackBomb() async throws {
        let attacker = try await survive("hpack-bomb", ["1000"])
        let encoded = attacker.lines("encoded").first.flatMap { Int($0[1]) } ?? 0
        #expect(encoded < 32 * 1024, "the bomb is small on the wire: \(encoded) bytes")
        #expect(
            cutOff(attacker) || !attacker.lines("reset").isEmpty || attacker.lines("status").first?[2] == "431",
            "\(attacker.process.stdout.suffix(500))")
        #expect(attacker.lines("status").first?[2] != "200")
    }

    @Test func settingsFlood() async throws {
        let attacker = try await survive("settings-flood", ["100000"])
        #expect(cutOff(attacker), "\(attacker.process.stdout.suffix(500))")
    }

    @Test func pingFlood() async throws {
        let attacker = try await survive("ping-flood", ["100000"])
        #expect(cutOff(attacker), "\(attacker.process.stdout.suffix(500))")
    }
}
