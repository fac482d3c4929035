import Foundation
import SluiceDemo
import SluiceTestSupport
import Testing

/// SIGTERM on the real `sluice serve` process, as a kubelet sends it during a rollout.
@Suite("sluice serve: graceful shutdown")
struct GracefulShutdownTests {
    /// Readiness goes false first, the open stream runs to its end, and the routing source keeps
    /// publishing during the drain (so endpoints of other terminating pods still leave the table).
    @Test func sigtermTurnsReadinessOffThenDrainsTheOpenStream() async throws {
        let upstream = try await DemoUpstreamServer.start(tokenInterval: .milliseconds(300))
        defer { Task { try? await upstream.stop() } }
        let manifests = try ManifestFixture.standaloneDemo(upstreamPort: upstream.port)
        defer { try? FileManager.default.removeItem(at: manifests) }

        let sluice = try SluiceProcess(arguments: [
            "serve", "--manifests", manifests.path, "--shutdown-grace-period", "30s",
        ])
        defer { sluice.kill() }
        try await sluice.waitForReadiness(200)

        let stream = try await TestClient.connect(port: sluice.httpPort)
        try await stream.send("GET /api/chat?prompt=one+two+three+four+five+six+seven+eight HTTP/1.1\r\nHost: demo\r\n\r\n")
        try await stream.waitForText("{\"token\":\" one\"}")

        let generation = try #require(await sluice.tableGeneration())
        sluice.terminate()
        try await sluice.waitForReadiness(503)
        #expect(!stream.receivedText.contains("[DONE]"), "readiness must turn off while the stream is still open")

        try ManifestFixture.extraIngress().write(
            to: manifests.appendingPathComponent("extra.yaml"), atomically: true, encoding: .utf8)
        var published = false
        for _ in 0..<250 where !published && !stream.receivedText.contains("[DONE]") {
            published = (await sluice.tableGeneration() ?? 0) > generation
            if !published { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(published, "a manifest change during the drain must still publish a table")

        try await stream.waitForText("data: [DONE]", timeout: .seconds(20))
        #expect(stream.receivedText.contains("{\"token\":\" eight\"}"))
        #expect(try await sluice.waitForExit() == 0, "log:\n\(sluice.log)")
    }

    @Test func refusesNewConnectionsWhileDraining() async throws {
        let upstream = try await DemoUpstreamServer.start(tokenInterval: .milliseconds(200))
        defer { Task { try? await upstream.stop() } }
        let manifests = try ManifestFixture.standaloneDemo(upstreamPort: upstream.port)
        defer { try? FileManager.default.removeItem(at: manifests) }

        let sluice = try SluiceProcess(arguments: ["serve", "--manifests", manifests.path])
        defer { sluice.kill() }
        try await sluice.waitForReadiness(200)
        let stream = try await TestClient.connect(port: sluice.httpPort)
        try await stream.send("GET /api/chat?prompt=a+b+c+d+e+f HTTP/1.1\r\nHost: demo\r\n\r\n")
        try await stream.waitForText("{\"token\":\" a\"}")

        sluice.terminate()
        try await sluice.waitForReadiness(503)
        await #expect(throws: (any Error).self) { try await TestClient.connect(port: sluice.httpPort) }
        try await stream.waitForText("data: [DONE]", timeout: .seconds(20))
        _ = try await sluice.waitForExit()
    }

    /// `--shutdown-delay`: readiness goes off at once, but the listener keeps accepting (and
    /// serving) until the delay ends, for the load balancers that have not yet seen the pod go.
    @Test func keepsAcceptingDuringTheShutdownDelay() async throws {
        let upstream = try await DemoUpstreamServer.start(tokenInterval: .milliseconds(1))
        defer { Task { try? await upstream.stop() } }
        let manifests = try ManifestFixture.standaloneDemo(upstreamPort: upstream.port)
        defer { try? FileManager.default.removeItem(at: manifests) }

        let sluice = try SluiceProcess(arguments: ["serve", "--manifests", manifests.path, "--shutdown-delay", "2s"])
        defer { sluice.kill() }
        try await sluice.waitForReadiness(200)

        sluice.terminate()
        try await sluice.waitForReadiness(503)
        let late = try await TestClient.connect(port: sluice.httpPort)
        try await late.send("GET /api/info HTTP/1.1\r\nHost: demo\r\n\r\n")
        let response = try await late.readResponse()
        #expect(response.status == 200)

        var refused = false
        for _ in 0..<200 where !refused {
            do {
                let client = try await TestClient.connect(port: sluice.httpPort)
                await client.close()
                try await Task.sleep(for: .milliseconds(50))
            } catch {
                refused = true
            }
        }
        #expect(refused, "the listener must close once the delay is over")
        #expect(try await sluice.waitForExit() == 0, "log:\n\(sluice.log)")
        #expect(sluice.log.contains("still accepting until the shutdown delay ends"))
    }
}

/// Manifest directories for the process under test.
enum ManifestFixture {
    /// One more Ingress for the demo Service, to change the routing table.
    static func extraIngress() -> String {
        """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: extra
          namespace: default
        spec:
          ingressClassName: sluice
          rules:
            - http:
                paths:
                  - path: /extra
                    pathType: Prefix
                    backend:
                      service:
                        name: demo
                        port:
                          name: http
        """
    }

    /// The demo's manifests (`Examples/standalone-demo`) with the upstream port replaced.
    static func standaloneDemo(upstreamPort: Int) throws -> URL {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let source = repository.appendingPathComponent("Examples/standalone-demo/demo.yaml")
        let text = try String(contentsOf: source, encoding: .utf8).replacingOccurrences(of: "18081", with: "\(upstreamPort)")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-manifests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try text.write(to: directory.appendingPathComponent("demo.yaml"), atomically: true, encoding: .utf8)
        return directory
    }
}
