import Foundation
import SluiceDemo
import SluiceTestSupport
import Testing

/// `sluice probe` run as the built executable, the way CI runs it: against the demo's stream
/// through a real `sluice serve`, against upstreams that buffer behind it, over TLS with HTTP/2,
/// and its exit statuses (0 passed, 1 a check failed, 2 usage or no response).
@Suite("sluice probe")
struct ProbeCommandTests {
    private static func probe(_ arguments: [String]) async throws -> ChildProcess.Result {
        try await ChildProcess.run(executable: SluiceProcess.executableURL.path, arguments: ["probe"] + arguments, timeout: .seconds(40))
    }

    private static func json(_ result: ChildProcess.Result) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)\(result.stderr)")
    }

    private static let chat = "/api/chat?prompt=one+two+three+four+five+six+seven+eight"

    @Test func theDemoStreamThroughSluicePassesAndComparesWithTheUpstream() async throws {
        try await withDemoUpstream(tokenInterval: .milliseconds(20)) { demo in
            let manifests = try ManifestFixture.standaloneDemo(upstreamPort: demo.port)
            defer { try? FileManager.default.removeItem(at: manifests) }
            let sluice = try SluiceProcess(arguments: ["serve", "--manifests", manifests.path])
            defer { sluice.kill() }
            try await sluice.waitForReadiness(200)

            let result = try await Self.probe([
                "http://127.0.0.1:\(try sluice.httpPort)\(Self.chat)", "--expect-no-buffering", "--min-events", "5",
                "--max-first-event", "2s", "--compare", "http://127.0.0.1:\(demo.port)\(Self.chat)",
            ])
            #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("  buffering    streamed: no burst after a silence"))
            #expect(result.stdout.contains("ok   buffering: streamed"))
            #expect(result.stdout.contains("difference (probed - compared)"))
            #expect(result.stdout.hasSuffix("result: passed\n"))

            let json = try Self.json(try await Self.probe(["http://127.0.0.1:\(try sluice.httpPort)\(Self.chat)", "--json"]))
            #expect(json["result"] as? String == "passed")
            #expect(json["exit_code"] as? Int == 0)
            let events = try #require(json["events"] as? [String: Any])
            // "You said: one … eight": ten tokens, then [DONE].
            #expect(events["count"] as? Int == 11)
            let response = try #require(json["response"] as? [String: Any])
            #expect(response["http_version"] as? String == "1.1")
            #expect(response["content_type"] as? String == "text/event-stream")
        }
    }

    @Test(arguments: [EventStreamWrites.allAtTheEnd, .inBlocksOf(bytes: 4096)])
    func anUpstreamThatBuffersBehindSluiceFails(_ writes: EventStreamWrites) async throws {
        let events = writes == .allAtTheEnd ? 20 : 160
        let interval: Duration = writes == .allAtTheEnd ? .milliseconds(25) : .milliseconds(10)
        try await withUpstream(.pacedEventStream(events: events, interval: interval, writes: writes)) { upstream in
            let manifests = try ManifestFixture.standaloneDemo(upstreamPort: upstream.port)
            defer { try? FileManager.default.removeItem(at: manifests) }
            let sluice = try SluiceProcess(arguments: ["serve", "--manifests", manifests.path])
            defer { sluice.kill() }
            try await sluice.waitForReadiness(200)

            let result = try await Self.probe(["http://127.0.0.1:\(try sluice.httpPort)/api/chat", "--expect-no-buffering"])
            #expect(result.exitCode == 1, "\(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("FAIL buffering: buffered: "))
            #expect(result.stdout.hasSuffix("result: FAILED (buffering)\n"))
        }
    }

    @Test func aRefusedConnectionExitsTwo() async throws {
        let upstream = try await UpstreamServer.start(.echo)
        let port = upstream.port
        try await upstream.shutDown()
        let result = try await Self.probe(["http://127.0.0.1:\(port)/events"])
        #expect(result.exitCode == 2, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("Connection refused"))
        #expect(result.stdout.hasSuffix("result: ERROR (no response)\n"))
    }

    @Test(arguments: [
        [], ["example.com/events"], ["--min-events", "many", "http://127.0.0.1:1/"], ["--http1.1", "--http2", "http://127.0.0.1:1/"],
        ["--timeout", "0", "http://127.0.0.1:1/"], ["--resolve", "nowhere", "http://127.0.0.1:1/"],
        ["--data-file", "/nonexistent/body.json", "http://127.0.0.1:1/"],
    ])
    func usageErrorsExitTwo(_ arguments: [String]) async throws {
        let result = try await Self.probe(arguments)
        #expect(result.exitCode == 2, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("Error: "), "\(result.stderr)")
    }

    @Test func aFailedMinEventsCheckExitsOneAndNamesIt() async throws {
        try await withDemoUpstream(tokenInterval: .milliseconds(1)) { demo in
            let result = try await Self.probe(["http://127.0.0.1:\(demo.port)\(Self.chat)", "--min-events", "100"])
            #expect(result.exitCode == 1, "\(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("FAIL min-events: 11 events (at least 100)"))
            #expect(result.stdout.hasSuffix("result: FAILED (min-events)\n"))
        }
    }

    /// Over TLS with a certificate from the test's CA: HTTP/2 through ALPN, by default and with
    /// `--http2`; HTTP/1.1 when asked.
    @Test func overTLSThroughSluiceWithHTTP2() async throws {
        try await withDemoUpstream(tokenInterval: .milliseconds(10)) { demo in
            let manifests = try ManifestFixture.standaloneDemo(upstreamPort: demo.port)
            defer { try? FileManager.default.removeItem(at: manifests) }
            let ca = try TestCertificateAuthority(commonName: "Probe Command CA")
            let certificate = try ca.issue(dnsNames: ["stream.example.test"])
            try (certificate.secretYAML(name: "stream-tls") + "---\n" + Self.tlsIngress).write(
                to: manifests.appendingPathComponent("tls.yaml"), atomically: true, encoding: .utf8)
            let caFile = manifests.appendingPathComponent("ca.pem")
            try ca.certificatePEM.write(to: caFile, atomically: true, encoding: .utf8)
            let sluice = try SluiceProcess(arguments: ["serve", "--manifests", manifests.path])
            defer { sluice.kill() }
            try await sluice.waitForReadiness(200)
            let port = try sluice.httpsPort
            let base = [
                "https://stream.example.test:\(port)\(Self.chat)", "--resolve", "stream.example.test:\(port):127.0.0.1",
                "--cacert", caFile.path, "--expect-no-buffering", "--json",
            ]
            for (flags, version) in [([String](), "2"), (["--http2"], "2"), (["--http1.1"], "1.1")] {
                let result = try await Self.probe(base + flags)
                #expect(result.exitCode == 0, "\(flags): \(result.stdout)\(result.stderr)\nlog:\n\(sluice.log)")
                let json = try Self.json(result)
                #expect((json["response"] as? [String: Any])?["http_version"] as? String == version, "\(flags)")
                #expect((json["timings"] as? [String: Any])?["tls_seconds"] is Double)
            }
        }
    }

    @Test func h2cWithPriorKnowledgeThroughSluice() async throws {
        try await withDemoUpstream(tokenInterval: .milliseconds(10)) { demo in
            let manifests = try ManifestFixture.standaloneDemo(upstreamPort: demo.port)
            defer { try? FileManager.default.removeItem(at: manifests) }
            let sluice = try SluiceProcess(arguments: ["serve", "--manifests", manifests.path, "--enable-h2c"])
            defer { sluice.kill() }
            try await sluice.waitForReadiness(200)
            let result = try await Self.probe(["http://127.0.0.1:\(try sluice.httpPort)\(Self.chat)", "--http2", "--json"])
            #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
            #expect((try Self.json(result)["response"] as? [String: Any])?["http_version"] as? String == "2")
        }
    }

    private static let tlsIngress = """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: stream-tls
          namespace: default
          annotations:
            sluice.io/sse-paths: /api/chat
        spec:
          ingressClassName: sluice
          tls:
            - hosts: [stream.example.test]
              secretName: stream-tls
          rules:
            - host: stream.example.test
              http:
                paths:
                  - path: /api/chat
                    pathType: Prefix
                    backend:
                      service:
                        name: demo
                        port:
                          name: http

        """
}
