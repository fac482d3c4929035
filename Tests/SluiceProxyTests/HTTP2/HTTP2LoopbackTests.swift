import Foundation
import SluiceRouting
import SluiceTestSupport
import Testing

@testable import SluiceProxy

/// HTTP/2 clients on real sockets: `curl --http2` and `--http2-prior-knowledge`, and
/// `h2_client.py` (python3-h2) for many streams on one connection and for flow control.
@Suite("HTTP/2 on loopback", .serialized)
struct HTTP2LoopbackTests {
    /// 100 event streams on one TLS connection, each event reaching its client before the
    /// upstream may send the next (the proxy holds none back); table swaps meanwhile cut none.
    @Test func aHundredEventStreamsOnOneConnectionInLockstep() async throws {
        let permits = UpstreamPermits()
        let rounds = 12
        try await withProxy(upstream: .eventStream(count: rounds, permits: permits, freeEvents: 1)) { proxy, upstream in
            let client = try H2ClientScript(port: proxy.httpsPort, tls: true, "sse", ["100", "/events"])
            defer { client.process.terminate() }
            try await client.waitUntil("the first event of every stream") { $0.eventCount == 100 }
            #expect(Set(client.lines("status").map { $0[2] }) == ["200"])
            for round in 1..<rounds {
                if round % 4 == 0 {
                    // A new table (a new generation of the same route): open streams go on.
                    _ = proxy.store.publish(table(endpoints: [.local(upstream)]))
                }
                permits.grant(100)
                try await client.waitUntil("round \(round)") { $0.eventCount >= 100 * (round + 1) }
                #expect(client.eventCount == 100 * (round + 1), "no event arrives before its permit")
            }
            _ = try await client.finish()
            #expect(client.lines("end").count == 100)
            #expect(client.lines("reset").isEmpty)
            #expect(client.lines("goaway").isEmpty)
        }
    }

    /// A stream whose client grants no window holds back only its own upstream: the proxy stops
    /// reading it (50 MB stay upstream), and the connection's other stream keeps flowing.
    @Test func aStreamWithoutWindowHoldsBackOnlyItsUpstream() async throws {
        let stats = UpstreamByteSourceStats()
        let permits = UpstreamPermits()
        try await withUpstream(.byteSource(bytes: 50_000_000, stats: stats)) { big in
            try await withUpstream(.eventStream(count: 10, permits: permits, freeEvents: 1)) { events in
                let routes = RoutingTable(routes: [
                    Route(
                        host: HostMatch(ingressHost: "example.com"), path: .prefix(ingressPath: "/big"),
                        backend: Backend(name: "default/big:80", endpoints: [.local(big)]), policy: .default, source: "default/big"),
                    Route(
                        host: HostMatch(ingressHost: "example.com"), path: .prefix(ingressPath: "/events"),
                        backend: Backend(name: "default/events:80", endpoints: [.local(events)]), policy: .default,
                        source: "default/events"),
                ])
                try await withProxy(routes) { proxy in
                    let client = try H2ClientScript(port: proxy.httpsPort, tls: true, "stall", ["/big", "/events"])
                    defer { client.process.terminate() }
                    try await client.waitUntil("the first event") { $0.eventCount == 1 }
                    try await waitUntil { stats.stalls > 0 }
                    for round in 1..<10 {
                        permits.grant()
                        try await client.waitUntil("event \(round) while the other stream is stalled") { $0.eventCount == round + 1 }
                    }
                    let result = try await client.finish()
                    #expect(client.lines("end").map { $0[1] } == ["3"], "\(result.stdout)")
                    let received = client.lines("bytes").filter { $0[1] == "1" }.compactMap { Int($0[2]) }.max() ?? 0
                    #expect(received <= 65_535, "the client granted only its initial window")
                    #expect(stats.bytesSent < 20_000_000, "the proxy stopped reading the stalled stream's upstream: \(stats.bytesSent)")
                }
            }
        }
    }

    /// `curl --http2` over TLS: the upstream gets HTTP/1.1 without HTTP/2's pseudo-fields, and
    /// no connection-specific field of the upstream's answer reaches the client.
    @Test func curlOverHTTP2ReachesAnHTTP1Upstream() async throws {
        let answer =
            "HTTP/1.1 200 OK\r\nConnection: keep-alive, X-Hop\r\nKeep-Alive: timeout=5\r\nX-Hop: secret\r\n"
            + "Proxy-Connection: keep-alive\r\nUpgrade: h2c\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello"
        try await withProxy(upstream: .script([answer])) { proxy, _ in
            let result = try await CurlProcess.run([
                "-v", "--http2", "-k", "--resolve", "example.com:\(proxy.httpsPort):127.0.0.1",
                "https://example.com:\(proxy.httpsPort)/a",
            ])
            #expect(result.exitCode == 0, "\(result.stderr)")
            #expect(result.stderr.contains("< HTTP/2 200"), "\(result.stderr)")
            #expect(result.stdout == "hello")
            for field in ["connection", "keep-alive", "x-hop", "proxy-connection", "upgrade"] {
                #expect(!result.stderr.lowercased().contains("< \(field):"), "\(field) crossed into HTTP/2")
            }
            #expect(result.stderr.lowercased().contains("< content-type: text/plain"))
        }
        try await withProxy(upstream: .echo) { proxy, _ in
            let result = try await CurlProcess.run([
                "--http2", "-k", "--resolve", "example.com:\(proxy.httpsPort):127.0.0.1",
                "https://example.com:\(proxy.httpsPort)/echo",
            ])
            #expect(result.stdout.hasPrefix("GET /echo HTTP/1.1"), "\(result.stdout)")
            #expect(!result.stdout.contains(":authority"))
            #expect(result.stdout.lowercased().contains("host: example.com"))
            #expect(result.stdout.contains("x-forwarded-proto: https"))
        }
    }

    /// With `h2c`, the plain port serves HTTP/2 with prior knowledge and HTTP/1.1 alike; without
    /// it, an HTTP/2 preface is not understood there.
    @Test func h2cWithPriorKnowledgeOnlyWhenEnabled() async throws {
        try await withProxy(upstream: .echo, configuration: ProxyConfiguration(h2c: true)) { proxy, _ in
            let h2 = try await CurlProcess.run(["-v", "--http2-prior-knowledge", "-H", "Host: example.com", "http://127.0.0.1:\(proxy.port)/p"])
            #expect(h2.exitCode == 0, "\(h2.stderr)")
            #expect(h2.stderr.contains("< HTTP/2 200"), "\(h2.stderr)")
            #expect(h2.stdout.contains("x-forwarded-proto: http\n"))
            let h1 = try await CurlProcess.run(["-v", "--http1.1", "-H", "Host: example.com", "http://127.0.0.1:\(proxy.port)/p"])
            #expect(h1.stderr.contains("< HTTP/1.1 200"), "\(h1.stderr)")
            let script = try H2ClientScript(port: proxy.port, tls: false, "get", ["/p"])
            _ = try await script.finish()
            #expect(script.lines("status").first?[2] == "200")
            #expect(proxy.metrics.h2cRequests == 2)
            #expect(proxy.metrics.requests == 3)
        }
        try await withProxy(upstream: .echo) { proxy, _ in
            let h2 = try await CurlProcess.run(["--http2-prior-knowledge", "-H", "Host: example.com", "http://127.0.0.1:\(proxy.port)/p"])
            #expect(h2.exitCode != 0, "h2c is off by default")
        }
    }

    /// One access log line per stream, saying HTTP/2.
    @Test func eachStreamIsAccessLogged() async throws {
        let lines = ProxyAccessLogTests.Lines()
        try await withProxy(upstream: .echo, configuration: ProxyConfiguration(accessLog: lines.log)) { proxy, _ in
            let result = try await CurlProcess.run([
                "--http2", "-k", "--resolve", "example.com:\(proxy.httpsPort):127.0.0.1",
                "https://example.com:\(proxy.httpsPort)/one", "https://example.com:\(proxy.httpsPort)/two",
            ])
            #expect(result.exitCode == 0)
            let entries = try await lines.waitForCount(2)
            #expect(entries.map { $0["uri"] as? String } == ["/one", "/two"])
            #expect(proxy.metrics.http2Requests == 2)
            #expect(proxy.metrics.prometheusText().contains(
                #"sluice_requests_total{namespace="default",ingress="test",service="app",method="GET",status="2xx",protocol="h2"} 2\#n"#))
            for entry in entries {
                #expect(entry["protocol"] as? String == "HTTP/2.0")
                #expect(entry["status"] as? Int == 200)
                #expect((entry["bytes_sent"] as? Int ?? 0) > 0)
                #expect(entry["outcome"] as? String == "complete")
                #expect(entry["backend"] as? String == "default/app:80")
                #expect(entry["remote_addr"] as? String == "127.0.0.1")
            }
        }
    }
}

/// WebSocket over HTTP/2 (RFC 8441): an extended CONNECT reaches an HTTP/1.1 WebSocket upstream
/// as an ordinary upgrade, and messages go both ways over the stream.
@Suite("WebSocket over HTTP/2", .serialized)
struct WebSocketOverHTTP2Tests {
    @Test func anExtendedConnectIsRelayedToAnHTTP1WebSocketUpstream() async throws {
        let lines = ProxyAccessLogTests.Lines()
        try await withProxy(upstream: .webSocketEcho, configuration: ProxyConfiguration(accessLog: lines.log)) { proxy, _ in
            let client = try H2ClientScript(port: proxy.httpsPort, tls: true, "websocket", ["/ws", "hello", "über", "third"])
            let result = try await client.finish()
            #expect(client.lines("setting").first?[2] == "1", "SETTINGS_ENABLE_CONNECT_PROTOCOL offered: \(result.stdout)")
            #expect(client.lines("status").first?[2] == "200", "\(result.stdout) \(result.stderr)")
            #expect(client.lines("ws").map { $0[1...].joined(separator: " ") } == ["hello", "über", "third"])
            #expect(!client.lines("ws-close").isEmpty)
            #expect(client.lines("end").count == 1, "the stream ended cleanly: \(result.stdout)")
            let fields = client.lines("field").map { String($0[2]) }
            for field in ["upgrade", "connection", "sec-websocket-accept"] {
                #expect(!fields.contains(field), "\(field) is HTTP/1.1's handshake")
            }
            let entries = try await lines.waitForCount(1)
            #expect(entries.first?["outcome"] as? String == "upgraded")
            #expect(entries.first?["stream"] as? String == "websocket")
            #expect(entries.first?["protocol"] as? String == "HTTP/2.0")
        }
    }

    /// An extended CONNECT for a protocol Sluice does not relay, or a plain CONNECT, is refused.
    @Test func otherConnectsAreRefused() async throws {
        try await withProxy(upstream: .echo) { proxy, upstream in
            let result = try await CurlProcess.run([
                "-v", "--http2", "-k", "-X", "CONNECT", "--resolve", "example.com:\(proxy.httpsPort):127.0.0.1",
                "https://example.com:\(proxy.httpsPort)/x",
            ])
            #expect(!result.stderr.contains("< HTTP/2 200"), "\(result.stderr)")
            #expect(upstream.acceptedConnections == 0)
        }
    }
}
