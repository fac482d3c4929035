import Foundation
import SluiceDemo
import SluiceTestSupport
import Testing

/// `--event-loops N` sizes the proxy's event loop group (nginx's `worker_processes`).
@Suite("sluice serve --event-loops")
struct EventLoopsFlagTests {
    @Test func theProxyRunsOnTheLoopsAskedFor() async throws {
        let upstream = try await DemoUpstreamServer.start(tokenInterval: .milliseconds(1))
        defer { Task { try? await upstream.stop() } }
        let manifests = try ManifestFixture.standaloneDemo(upstreamPort: upstream.port)
        defer { try? FileManager.default.removeItem(at: manifests) }

        let sluice = try SluiceProcess(arguments: ["serve", "--manifests", manifests.path, "--event-loops", "3"])
        defer { sluice.kill() }
        try await sluice.waitForReadiness(200)

        let names = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(sluice.process.pid)/task")
            .compactMap { try? String(contentsOfFile: "/proc/\(sluice.process.pid)/task/\($0)/comm", encoding: .utf8) }
        // A sized group's threads are NIO-ELT-<group>-#<n>; the default (singleton) group's are NIO-SGLTN-....
        #expect(names.filter { $0.hasPrefix("NIO-ELT-") }.count == 3, "threads: \(names)")
        #expect(!names.contains { $0.hasPrefix("NIO-SGLTN-") }, "threads: \(names)")

        let stream = try await TestClient.connect(port: sluice.httpPort)
        try await stream.send("GET /api/chat?prompt=a+b HTTP/1.1\r\nHost: demo\r\n\r\n")
        try await stream.waitForText("data: [DONE]")
    }

    @Test func anOutOfRangeCountIsRejected() async throws {
        let sluice = try SluiceProcess(arguments: ["serve", "--manifests", "/nonexistent", "--event-loops", "5000"])
        defer { sluice.kill() }
        #expect(try await sluice.waitForExit() != 0)
        #expect(sluice.log.contains("--event-loops must be between 0 (one per CPU core) and 1024, not 5000"), "log:\n\(sluice.log)")
    }
}
