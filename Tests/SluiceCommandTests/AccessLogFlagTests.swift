import Foundation
import SluiceDemo
import SluiceTestSupport
import Testing

/// `--access-log`: one JSON line per request on standard output, none without the flag.
@Suite("sluice serve --access-log")
struct AccessLogFlagTests {
    @Test(arguments: [false, true])
    func requestsAreLoggedOnlyWithTheFlag(_ on: Bool) async throws {
        let upstream = try await DemoUpstreamServer.start(tokenInterval: .milliseconds(1))
        defer { Task { try? await upstream.stop() } }
        let manifests = try ManifestFixture.standaloneDemo(upstreamPort: upstream.port)
        defer { try? FileManager.default.removeItem(at: manifests) }

        let sluice = try SluiceProcess(arguments: ["serve", "--manifests", manifests.path] + (on ? ["--access-log"] : []))
        defer { sluice.kill() }
        try await sluice.waitForReadiness(200)

        let client = try await TestClient.connect(port: sluice.httpPort)
        try await client.send("GET /api/echo?n=1 HTTP/1.1\r\nHost: demo\r\n\r\n")
        #expect(try await client.readResponse().status == 200)
        try await client.send("GET /nowhere HTTP/1.1\r\nHost: demo\r\n\r\n")
        #expect(try await client.readResponse().status == 404)

        // Lines are out within the flush interval (100 ms), with no more traffic.
        if on {
            try await Self.waitUntil { sluice.accessLogEntries.count == 2 }
            #expect(sluice.accessLogEntries.map { $0["uri"] as? String } == ["/api/echo?n=1", "/nowhere"])
            #expect(sluice.accessLogEntries.map { $0["status"] as? Int } == [200, 404])
        } else {
            try await Task.sleep(for: .milliseconds(300))
            #expect(sluice.accessLogEntries.isEmpty, "log:\n\(sluice.log)")
        }
    }

    /// SIGTERM: lines still in an event loop's buffer are written before the process exits.
    @Test func bufferedLinesAreWrittenBeforeTheProcessExits() async throws {
        let upstream = try await DemoUpstreamServer.start(tokenInterval: .milliseconds(1))
        defer { Task { try? await upstream.stop() } }
        let manifests = try ManifestFixture.standaloneDemo(upstreamPort: upstream.port)
        defer { try? FileManager.default.removeItem(at: manifests) }

        let sluice = try SluiceProcess(arguments: [
            "serve", "--manifests", manifests.path, "--access-log", "--access-log-flush-interval", "1h",
        ])
        defer { sluice.kill() }
        try await sluice.waitForReadiness(200)

        let client = try await TestClient.connect(port: sluice.httpPort)
        try await client.send("GET /api/echo?n=1 HTTP/1.1\r\nHost: demo\r\n\r\n")
        #expect(try await client.readResponse().status == 200)
        await client.close()
        try await Task.sleep(for: .milliseconds(100))
        #expect(sluice.accessLogEntries.isEmpty, "buffered for the hour")

        sluice.terminate()
        #expect(try await sluice.waitForExit() == 0)
        #expect(sluice.accessLogEntries.map { $0["uri"] as? String } == ["/api/echo?n=1"])
    }

    private struct LinesMissing: Error {}

    private static func waitUntil(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while !condition() {
            guard ContinuousClock.now < deadline else { throw LinesMissing() }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}

extension SluiceProcess {
    /// The access log lines on standard output so far (the process's own logs are not JSON).
    fileprivate var accessLogEntries: [[String: Any]] {
        log.split(separator: "\n").filter { $0.hasPrefix("{\"time\":") }.compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }
}
