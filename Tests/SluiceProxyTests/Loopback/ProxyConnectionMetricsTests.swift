import SluiceDemo
import SluiceProxy
import SluiceRouting
import SluiceTestSupport
import Testing

@Suite("Proxy connection metrics")
struct ProxyConnectionMetricsTests {
    /// Open client connections are counted per event loop, a tunnel included (it has lost the
    /// proxy's HTTP handlers), and each leaves the count when it closes.
    @Test func openConnectionsAreCountedPerLoopUntilTheyClose() async throws {
        try await withDemoUpstream(tokenInterval: .zero) { upstream in
            try await withProxy(table(endpoints: [.local(upstream)])) { proxy in
                let plain = try await proxy.connect()
                try await plain.send(get("/api/info"))
                #expect(try await plain.readResponse().status == 200)
                let tunnel = try await proxy.connect()
                try await tunnel.send(webSocketUpgradeRequest())
                #expect(try await tunnel.readResponse(headRequest: true).status == 101)

                #expect(proxy.metrics.openClientConnections == 2)
                #expect(proxy.metrics.openClientConnectionsPerLoop.reduce(0, +) == 2)
                let rows = proxy.metrics.prometheusText().split(separator: "\n")
                    .filter { $0.hasPrefix("sluice_client_connections{event_loop=\"") }
                #expect(rows.compactMap { $0.split(separator: " ").last.flatMap { Int($0) } }.reduce(0, +) == 2)

                await plain.close()
                try await Self.waitUntil { proxy.metrics.openClientConnections == 1 }
                await tunnel.close()
                try await Self.waitUntil { proxy.metrics.openClientConnections == 0 }
            }
        }
    }

    private static func waitUntil(_ condition: @escaping @Sendable () -> Bool) async throws {
        try await withTimeout(seconds: 10) {
            while !condition() { try await Task.sleep(for: .milliseconds(10)) }
        }
    }
}
