import Foundation
import SluiceDemo
import SluiceTestSupport
import Testing

/// A proxy out of file descriptors: `accept4` fails with EMFILE while connections wait in the
/// backlog, and the listening socket stays readable.
@Suite("sluice serve: out of file descriptors")
struct AcceptPauseTests {
    /// The listener pauses accepting after a failure (nginx's 500 ms) instead of retrying in a busy
    /// loop, says why in the log, and serves again once descriptors are free.
    @Test func acceptingPausesWhenDescriptorsRunOutAndResumesWhenTheyAreFree() async throws {
        let upstream = try await DemoUpstreamServer.start(tokenInterval: .milliseconds(1))
        defer { Task { try? await upstream.stop() } }
        let manifests = try ManifestFixture.standaloneDemo(upstreamPort: upstream.port)
        defer { try? FileManager.default.removeItem(at: manifests) }

        let sluice = try SluiceProcess(
            arguments: ["serve", "--manifests", manifests.path, "--event-loops", "1"], openFileLimit: 64)
        defer { sluice.kill() }
        try await sluice.waitForReadiness(200)

        // More connections than the proxy has descriptors left: the kernel completes their
        // handshakes, and those the proxy cannot accept wait in the listening socket's backlog.
        var clients: [TestClient] = []
        for _ in 0..<80 { clients.append(try await TestClient.connect(port: sluice.httpPort)) }
        let deadline = ContinuousClock.now + .seconds(10)
        while !sluice.log.contains("accept failed"), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(sluice.log.contains("proxy listener: accept failed; not accepting for 500 ms"), "log:\n\(sluice.log)")
        #expect(sluice.log.contains("out of file descriptors"), "log:\n\(sluice.log)")

        // Not a timing assertion: a loop retrying `accept4` burns a whole CPU (about 2 s of CPU
        // time in these 2 s); one that pauses 500 ms between tries uses next to none.
        let pid = sluice.process.pid
        let before = try Self.cpuSeconds(pid: pid)
        try await Task.sleep(for: .seconds(2))
        let spent = try Self.cpuSeconds(pid: pid) - before
        #expect(spent < 0.5, "the proxy used \(spent) s of CPU in 2 s while out of descriptors")

        for client in clients { await client.close() }
        var served = false
        let recovery = ContinuousClock.now + .seconds(15)
        while !served, ContinuousClock.now < recovery {
            if let stream = try? await TestClient.connect(port: sluice.httpPort) {
                try? await stream.send("GET /api/chat?prompt=a+b HTTP/1.1\r\nHost: demo\r\n\r\n")
                served = (try? await stream.waitForText("data: [DONE]", timeout: .seconds(2))) != nil
                await stream.close()
            }
            if !served { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(served, "the proxy must serve again once its descriptors are free; log:\n\(sluice.log)")
    }

    /// User plus system CPU time of `pid`, from /proc/PID/stat (fields 14 and 15, in clock ticks).
    private static func cpuSeconds(pid: Int32) throws -> Double {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        // The command name (field 2) is in parentheses and may hold spaces: split after it.
        let fields = stat[stat.index(after: try #require(stat.lastIndex(of: ")")))...].split(separator: " ")
        // fields[0] is field 3 (state), so field N is fields[N - 3].
        let ticks = try #require(Double(fields[11])) + #require(Double(fields[12]))
        return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
