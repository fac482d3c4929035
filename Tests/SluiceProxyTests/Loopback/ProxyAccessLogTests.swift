import Foundation
import NIOConcurrencyHelpers
import SluiceProxy
import SluiceRouting
import SluiceTestSupport
import Testing

/// One access log line per exchange, however it ends, with what ingress-nginx's log has.
@Suite("Proxy access log")
struct ProxyAccessLogTests {
    /// Collects the lines a proxy writes.
    final class Lines: Sendable {
        private let lines = NIOLockedValueBox<[String]>([])
        let log: AccessLog

        init() {
            let lines = self.lines
            log = AccessLog { line in lines.withLockedValue { $0.append(line) } }
        }

        var objects: [[String: Any]] {
            lines.withLockedValue { $0 }.compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
        }

        func waitForCount(_ count: Int) async throws -> [[String: Any]] {
            try await waitUntil { lines.withLockedValue { $0.count } >= count }
            return objects
        }
    }

    /// Runs `body` with an upstream with `behaviour` behind a proxy that logs to `Lines`; both
    /// are stopped before it returns (``withProxy(upstream:host:path:policy:configuration:isolation:_:)``).
    private static func withLoggedProxy(
        _ behaviour: UpstreamBehaviour, policy: RoutePolicy = .default,
        _ body: (Lines, ProxyUnderTest, UpstreamServer) async throws -> Void
    ) async throws {
        let lines = Lines()
        let configuration = ProxyConfiguration(accessLog: lines.log)
        try await withProxy(upstream: behaviour, policy: policy, configuration: configuration) { proxy, upstream in
            try await body(lines, proxy, upstream)
        }
    }

    @Test func proxiedRequestIsLoggedWithItsRouteUpstreamAndBytes() async throws {
        try await Self.withLoggedProxy(.echo) { lines, proxy, upstream in
            let client = try await proxy.connect()
            try await client.send(get("/api/items?page=2", extra: ["User-Agent: test/1.0"]))
            let response = try await client.readResponse()
            let received = client.receivedByteCount
            let entry = try #require(try await lines.waitForCount(1).first)
            #expect(entry["method"] as? String == "GET")
            #expect(entry["uri"] as? String == "/api/items?page=2")
            #expect(entry["host"] as? String == "example.com")
            #expect(entry["protocol"] as? String == "HTTP/1.1")
            #expect(entry["status"] as? Int == 200)
            #expect(entry["remote_addr"] as? String == "127.0.0.1")
            #expect(entry["upstream_addr"] as? String == "127.0.0.1:\(upstream.port)")
            #expect(entry["backend"] as? String == "default/app:80")
            #expect(entry["ingress"] as? String == "default/test")
            #expect(entry["user_agent"] as? String == "test/1.0")
            #expect(entry["outcome"] as? String == "complete")
            #expect(entry["stream"] is NSNull, "an ordinary response is no stream")
            // The upstream echoes the fields it got: the logged ID is the one it was sent.
            let requestID = try #require(entry["request_id"] as? String)
            #expect(response.bodyText.contains("\nx-request-id: \(requestID)\n"))
            #expect(entry["bytes_sent"] as? Int == received, "head and body, as the client received them")
        }
    }

    /// A body the proxy frames itself counts with its chunk framing, as the client received it
    /// (nginx's `$bytes_sent`). Here the proxy gzips a streamed response, so it chunks it, and the
    /// compressor holds its bytes until the flush.
    @Test func bodyChunkedByTheProxyIsCountedWithItsFraming() async throws {
        let permits = UpstreamPermits()
        let text = String(repeating: "token ", count: 60)
        let pieces = [
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
                + String(text.utf8.count, radix: 16) + "\r\n" + text + "\r\n",
            String(text.utf8.count, radix: 16) + "\r\n" + text + "\r\n0\r\n\r\n",
        ]
        try await Self.withLoggedProxy(
            .script(pieces, permits: permits),
            policy: RoutePolicy(compression: true)
        ) { lines, proxy, _ in
            let client = try await proxy.connect()
            try await client.send(get("/text", extra: ["Accept-Encoding: gzip"]))
            try await client.waitForText("\r\n\r\n")
            permits.grant()
            let response = try await client.readResponse()
            #expect(response.header("content-encoding") == "gzip")
            #expect(response.header("transfer-encoding") == "chunked")
            let entry = try #require(try await lines.waitForCount(1).first)
            #expect(entry["bytes_sent"] as? Int == client.receivedByteCount)
        }
    }

    @Test func refusalsAndUpstreamFailuresAreLogged() async throws {
        let lines = Lines()
        try await withProxy(
            table(path: "/api", endpoints: [Endpoint(host: "127.0.0.1", port: 1)]),
            configuration: ProxyConfiguration(accessLog: lines.log)
        ) { proxy in
            let client = try await proxy.connect()
            try await client.send(get("/elsewhere"))
            #expect(try await client.readResponse().status == 404)
            try await client.send(get("/api/x"))
            #expect(try await client.readResponse().status == 502)
            let malformed = try await proxy.connect()
            try await malformed.send("GET / HTTP/1.1\r\nHost: example.com\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n")
            #expect(try await malformed.readResponse().status == 400)

            let entries = try await lines.waitForCount(3)
            let byStatus = Dictionary(grouping: entries) { $0["status"] as? Int ?? 0 }
            #expect(byStatus[404]?.first?["backend"] is NSNull)
            #expect(byStatus[404]?.first?["uri"] as? String == "/elsewhere")
            #expect(byStatus[502]?.first?["upstream_addr"] as? String == "127.0.0.1:1")
            #expect(byStatus[502]?.first?["backend"] as? String == "default/app:80")
            #expect(byStatus[400]?.first?["outcome"] as? String == "complete")
        }
    }

    /// A head that does not arrive in time gets its `408` line, like any other refusal.
    @Test func headerTimeoutIsLogged() async throws {
        let lines = Lines()
        try await withProxy(
            table(endpoints: [Endpoint(host: "127.0.0.1", port: 1)]),
            configuration: ProxyConfiguration(clientHeaderTimeout: .milliseconds(200), accessLog: lines.log)
        ) { proxy in
            let client = try await proxy.connect()
            try await client.send("GET /slow HTTP/1.1\r\nHost: exa")
            #expect(try await client.readResponse().status == 408)
            let entry = try #require(try await lines.waitForCount(1).first)
            #expect(entry["status"] as? Int == 408)
            #expect(entry["method"] as? String == "-")
            #expect(entry["bytes_sent"] as? Int == client.receivedByteCount)
        }
    }

    /// A stream the client leaves is logged when it leaves, with nginx's `499` if nothing had
    /// been answered, else the status sent.
    @Test func streamTheClientLeavesIsLoggedAsClientClosed() async throws {
        let permits = UpstreamPermits()
        try await Self.withLoggedProxy(.eventStream(count: 100, permits: permits, freeEvents: 1)) { lines, proxy, _ in
            let client = try await proxy.connect()
            try await client.send(get("/events"))
            try await client.waitForText("data: event 0")
            await client.close()
            let entry = try #require(try await lines.waitForCount(1).first)
            #expect(entry["status"] as? Int == 200)
            #expect(entry["outcome"] as? String == "client_closed")
            #expect(entry["stream"] as? String == "sse")
            #expect((entry["bytes_sent"] as? Int ?? 0) > 0)
        }
    }

    @Test func streamCutAtItsCapIsLoggedAsCut() async throws {
        let permits = UpstreamPermits()
        try await Self.withLoggedProxy(
            .eventStream(count: 100, permits: permits, freeEvents: 1),
            policy: RoutePolicy(maxStreamDuration: .milliseconds(200))
        ) { lines, proxy, _ in
            let client = try await proxy.connect()
            try await client.send(get("/events"))
            try await client.waitForClose()
            let entry = try #require(try await lines.waitForCount(1).first)
            #expect(entry["status"] as? Int == 200)
            #expect(entry["outcome"] as? String == "cut")
        }
    }

    /// A WebSocket's line is written when its tunnel closes, with the whole session's bytes to
    /// the client (the `101` head and every frame), as nginx logs one.
    @Test func upgradeIsLoggedWhenTheTunnelCloses() async throws {
        try await Self.withLoggedProxy(.webSocketEcho) { lines, proxy, _ in
            let client = try await proxy.connect()
            try await client.send(webSocketUpgradeRequest())
            #expect(try await client.readResponse(headRequest: true).status == 101)
            let frame = TestClientWebSocketFrame(opcode: TestClientWebSocketFrame.text, payload: Array("hello".utf8))
            try await client.send(frame.encodedMasked())
            #expect(try await client.readWebSocketFrame() == frame)
            #expect(lines.objects.isEmpty, "the tunnel is still open")

            let close = TestClientWebSocketFrame(opcode: TestClientWebSocketFrame.close, payload: [0x03, 0xE8])
            try await client.send(close.encodedMasked())
            try await client.waitForClose()
            #expect(lines.objects.isEmpty, "the client has not closed its side yet")
            await client.close()
            let entry = try #require(try await lines.waitForCount(1).first)
            #expect(entry["status"] as? Int == 101)
            #expect(entry["outcome"] as? String == "upgraded")
            #expect(entry["stream"] as? String == "websocket")
            #expect(entry["bytes_sent"] as? Int == client.receivedByteCount)
            #expect(client.receivedByteCount > 2 * 7, "the 101 head and two frames")
        }
    }

    /// Keep-alive: one line per request, each with its own bytes.
    @Test func eachRequestOnAConnectionHasItsLine() async throws {
        try await Self.withLoggedProxy(.echo) { lines, proxy, _ in
            let client = try await proxy.connect()
            for path in ["/a", "/bb", "/ccc"] {
                try await client.send(get(path))
                _ = try await client.readResponse()
            }
            let entries = try await lines.waitForCount(3)
            #expect(entries.map { $0["uri"] as? String } == ["/a", "/bb", "/ccc"])
            let bytes = entries.compactMap { $0["bytes_sent"] as? Int }
            #expect(bytes.count == 3)
            #expect(bytes.reduce(0, +) == client.receivedByteCount)
        }
    }
}
