import SluiceProxy
import SluiceRouting
import SluiceTestSupport
import Testing

/// The streaming metrics over real sockets: the flush delay of a lockstep event stream, its
/// first event counted once per stream, how streams ended.
@Suite("Proxy stream metrics")
struct ProxyStreamMetricsTests {
    private static let route = #"namespace="default",ingress="test",service="app""#

    /// Event i+1 leaves the upstream only after the client got event i: each read burst holds one
    /// event, and the proxy's own delay for each is far below a millisecond (5 ms allows for a
    /// loaded machine's scheduling).
    @Test func aLockstepStreamHasEveryFlushDelayInTheLowestBucketsAndOneFirstEventPerStream() async throws {
        let permits = UpstreamPermits()
        let events = 10
        try await withProxy(upstream: .eventStream(count: events, permits: permits)) { proxy, _ in
            for _ in 0..<2 {
                let client = try await proxy.connect()
                try await client.send(get("/events"))
                try await client.waitForText("\r\n\r\n")
                for i in 0..<events {
                    permits.grant()
                    try await client.waitForText("data: event \(i)\n\n")
                }
                try await client.waitForText("\r\n0\r\n\r\n")
                await client.close()
            }
            let text = proxy.metrics.prometheusText()
            let delays = try #require(Self.value(text, "sluice_stream_flush_delay_seconds_count{\(Self.route)}"))
            #expect(delays >= 2 * events)
            #expect(Self.value(text, #"sluice_stream_flush_delay_seconds_bucket{\#(Self.route),le="0.005"}"#) == delays)
            #expect(Self.value(text, "sluice_stream_first_event_seconds_count{\(Self.route)}") == 2)
            #expect(Self.value(text, "sluice_upstream_first_byte_seconds_count{\(Self.route)}") == 2)
            #expect(Self.value(text, #"sluice_streams_ended_total{\#(Self.route),kind="sse",reason="upstream_end"}"#) == 2)
            #expect(Self.value(text, #"sluice_streams_active{\#(Self.route),kind="sse"}"#) == 0)
            #expect(Self.value(text, #"sluice_stream_duration_seconds_count{\#(Self.route),kind="sse"}"#) == 2)
            try await PromtoolCheck.expectClean(text)
        }
    }

    /// A stream the client leaves is active until it goes, then ended by the client; a WebSocket
    /// is a stream of its own kind.
    @Test func streamsAreActiveUntilTheyEndAndSayWhoEndedThem() async throws {
        let permits = UpstreamPermits()
        try await withProxy(upstream: .eventStream(count: 5, permits: permits, freeEvents: 1)) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send(get("/events"))
            try await client.waitForText("data: event 0\n\n")
            #expect(Self.value(proxy.metrics.prometheusText(), #"sluice_streams_active{\#(Self.route),kind="sse"}"#) == 1)
            await client.close()
            try await Self.waitFor(proxy, #"sluice_streams_ended_total{\#(Self.route),kind="sse",reason="client_gone"}"#, 1)
            #expect(Self.value(proxy.metrics.prometheusText(), #"sluice_streams_active{\#(Self.route),kind="sse"}"#) == 0)
        }
        try await withProxy(upstream: .webSocketEcho) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send(webSocketUpgradeRequest())
            #expect(try await client.readResponse(headRequest: true).status == 101)
            #expect(Self.value(proxy.metrics.prometheusText(), #"sluice_streams_active{\#(Self.route),kind="websocket"}"#) == 1)
            await client.close()
            try await Self.waitFor(proxy, #"sluice_streams_ended_total{\#(Self.route),kind="websocket",reason="client_gone"}"#, 1)
            // The `101` head; the tunnel carried nothing.
            #expect(Self.value(proxy.metrics.prometheusText(), "sluice_sent_bytes_total{\(Self.route)}") == client.receivedByteCount)
            #expect(Self.value(proxy.metrics.prometheusText(), #"sluice_streams_active{\#(Self.route),kind="websocket"}"#) == 0)
        }
    }

    /// The value of the sample line that starts with `series` (name and labels), if there is one.
    static func value(_ text: String, _ series: String) -> Int? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Int($0.split(separator: " ").last ?? "") }
    }

    private static func waitFor(_ proxy: ProxyUnderTest, _ series: String, _ expected: Int) async throws {
        defer {
            if value(proxy.metrics.prometheusText(), series) != expected {
                Issue.record("\(series) never \(expected):\n\(proxy.metrics.prometheusText().split(separator: "\n").filter { $0.contains("stream") && !$0.hasPrefix("#") && !$0.contains("bucket") }.joined(separator: "\n"))")
            }
        }
        try await withTimeout(seconds: 10) {
            while value(proxy.metrics.prometheusText(), series) != expected { try await Task.sleep(for: .milliseconds(10)) }
        }
    }
}
