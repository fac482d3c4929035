import Foundation
import SluiceProbe
import SluiceTestSupport
import Testing

/// The probe's library against real servers on loopback: libcurl on one side; on the other, the
/// demo upstream, a test upstream that streams or buffers as told, a Python server that gzips its
/// stream, a TLS upstream with a certificate the test made.
@Suite("sluice probe against real servers")
struct ProbeLoopbackTests {
    private static let strict = ProbeExpectations(noBuffering: true)

    private func probe(_ request: ProbeRequest, _ expectations: ProbeExpectations = strict, compare: String? = nil) async -> ProbeRun {
        await Probe.run(request, expectations: expectations, compare: compare)
    }

    private func url(_ port: Int, _ path: String = "/events") -> String { "http://127.0.0.1:\(port)\(path)" }

    @Test func anUpstreamSendingAnEventEvery50msPasses() async throws {
        try await withUpstream(.pacedEventStream(events: 20, interval: .milliseconds(50), writes: .eachEvent)) { upstream in
            let run = await probe(ProbeRequest(url: url(upstream.port)), ProbeExpectations(maxFirstEvent: .seconds(2), minEvents: 20, noBuffering: true))
            let analysis = try #require(run.primary.analysis, "\(run.primary.outcome)")
            #expect(run.verdict == .passed, "\(ProbeHumanReport.render(run))")
            #expect(analysis.recording.events.count == 20)
            #expect(analysis.recording.end == .complete)
            #expect(analysis.buffering.verdict == .streamed)
            #expect(analysis.buffering.bursts.isEmpty)
            // Produced 50 ms apart: no gap of the median can be much shorter.
            #expect(try #require(analysis.gaps.median) > .milliseconds(30))
        }
    }

    @Test func theDemoChatStreamPasses() async throws {
        try await withDemoUpstream(tokenInterval: .milliseconds(20)) { demo in
            let path = "/api/chat?prompt=one+two+three+four+five+six+seven+eight+nine+ten"
            let run = await probe(ProbeRequest(url: url(demo.port, path)), ProbeExpectations(minEvents: 10, noBuffering: true))
            #expect(run.verdict == .passed, "\(ProbeHumanReport.render(run))")
            // "You said: one … ten": twelve tokens, then [DONE].
            #expect(run.primary.analysis?.recording.events.count == 13)
        }
    }

    @Test func aPOSTBodyReachesTheUpstream() async throws {
        try await withDemoUpstream(tokenInterval: .milliseconds(1)) { demo in
            let request = ProbeRequest(url: url(demo.port, "/api/chat"), headers: ["Content-Type: application/json"], body: Array(#"{"prompt": "one two three"}"#.utf8))
            let run = await probe(request, ProbeExpectations())
            // "You said: one two three" is five tokens, then [DONE].
            #expect(run.primary.analysis?.recording.events.count == 6, "\(ProbeHumanReport.render(run))")
        }
    }

    @Test func allEventsInOneWriteAtTheEndAreBuffered() async throws {
        try await withUpstream(.pacedEventStream(events: 20, interval: .milliseconds(25), writes: .allAtTheEnd)) { upstream in
            let run = await probe(ProbeRequest(url: url(upstream.port)))
            let analysis = try #require(run.primary.analysis)
            #expect(run.verdict == .failed(["buffering"]))
            #expect(analysis.buffering.verdict == .buffered)
            #expect(analysis.buffering.bursts.map(\.events) == [20])
            #expect(ProbeHumanReport.render(run).contains("buffered: all 20 events arrived in one burst"))
        }
    }

    @Test func fourKiBBurstsAreBuffered() async throws {
        // 64-byte events every 10 ms, released 4096 bytes (64 events) at a time: about 640 ms apart.
        try await withUpstream(.pacedEventStream(events: 160, interval: .milliseconds(10), writes: .inBlocksOf(bytes: 4096))) { upstream in
            let run = await probe(ProbeRequest(url: url(upstream.port)))
            let analysis = try #require(run.primary.analysis)
            #expect(analysis.recording.events.count == 160)
            #expect(run.verdict == .failed(["buffering"]), "\(ProbeHumanReport.render(run))")
            #expect(analysis.buffering.bursts.count >= 2)
            #expect(ProbeHumanReport.render(run).contains("buffered: "))
        }
    }

    @Test func aGzippedStreamFailsTheContentEncodingCheck() async throws {
        try await PythonPeer.withUpstream("gzip_sse_upstream.py") { port in
            let run = await probe(ProbeRequest(url: url(port)), ProbeExpectations())
            let analysis = try #require(run.primary.analysis, "\(run.primary.outcome)")
            #expect(run.verdict == .failed(["content-encoding"]))
            // libcurl decoded the body: the events are still counted.
            #expect(analysis.recording.events.count == 10)
            #expect(ProbeHumanReport.render(run).contains("FAIL content-encoding: Content-Encoding: gzip: an event stream must not be compressed"))
        }
    }

    @Test func redirectsAreFollowedOnlyWhenAsked() async throws {
        try await withUpstream(.pacedEventStream(events: 4, interval: .milliseconds(5), writes: .eachEvent)) { stream in
            let redirect = "HTTP/1.1 307 Temporary Redirect\r\nLocation: \(url(stream.port))\r\nContent-Length: 0\r\n\r\n"
            try await withUpstream(.script([redirect])) { moved in
                let asIs = await probe(ProbeRequest(url: url(moved.port)), ProbeExpectations())
                #expect(asIs.verdict == .failed(["status", "content-type", "content-length"]))
                #expect(asIs.primary.analysis?.checks.first?.detail == "307 (a redirect: --location follows it)")

                let followed = await probe(ProbeRequest(url: url(moved.port), followRedirects: true), ProbeExpectations())
                #expect(followed.verdict == .passed, "\(ProbeHumanReport.render(followed))")
                #expect(followed.primary.analysis?.recording.redirects == 1)
                #expect(followed.primary.analysis?.recording.events.count == 4)
            }
        }
    }

    @Test func aRefusedConnectionIsAnError() async throws {
        let upstream = try await UpstreamServer.start(.echo)
        let port = upstream.port
        try await upstream.shutDown()
        let run = await probe(ProbeRequest(url: url(port)))
        #expect(run.verdict == .error)
        #expect(run.verdict.exitCode == 2)
        guard case .failed(let error) = run.primary.outcome else {
            Issue.record("a response from a closed port")
            return
        }
        #expect(error.message.contains("Connection refused"), "\(error.message)")
    }

    @Test func tooFewEventsFailMinEvents() async throws {
        try await withUpstream(.pacedEventStream(events: 3, interval: .milliseconds(5), writes: .eachEvent)) { upstream in
            let run = await probe(ProbeRequest(url: url(upstream.port)), ProbeExpectations(minEvents: 5))
            #expect(run.verdict == .failed(["min-events"]))
            #expect(ProbeHumanReport.render(run).contains("FAIL min-events: 3 events (at least 5)"))
        }
    }

    @Test func silenceAndEndlessStreamsNeverHang() async throws {
        let limits = ProbeLimits(connect: .seconds(2), idle: .milliseconds(300), total: .seconds(5))
        try await withUpstream(.silent) { upstream in
            let started = ContinuousClock.now
            let run = await probe(ProbeRequest(url: url(upstream.port), limits: limits))
            // Without its own --timeout the probe would wait forever; on a loaded machine it may
            // take a few seconds more to get back.
            #expect(ContinuousClock.now - started < .seconds(20))
            guard case .failed(let error) = run.primary.outcome else {
                Issue.record("a response from a silent upstream")
                return
            }
            #expect(error.message == "no response within --timeout 300 ms")
        }
        try await withUpstream(.headThenStall) { upstream in
            let run = await probe(ProbeRequest(url: url(upstream.port), limits: limits), ProbeExpectations())
            #expect(run.primary.analysis?.recording.end == .idleTimeout)
        }
        // An endless stream is cut at --max-time and judged on what arrived.
        try await withUpstream(.pacedEventStream(events: 10_000, interval: .milliseconds(20), writes: .eachEvent)) { upstream in
            let cut = ProbeLimits(connect: .seconds(5), idle: .seconds(5), total: .seconds(1))
            let run = await probe(ProbeRequest(url: url(upstream.port), limits: cut))
            let analysis = try #require(run.primary.analysis)
            #expect(analysis.recording.end == .maxTime)
            #expect(analysis.recording.timings.total >= .seconds(1))
            #expect(analysis.recording.timings.total < .seconds(5))
            #expect(analysis.recording.events.count >= 3)
            #expect(run.verdict == .passed, "\(ProbeHumanReport.render(run))")
        }
    }

    @Test func overTLSWithTheTestsCertificateAuthority() async throws {
        let ca = try TestCertificateAuthority(commonName: "Probe Test CA")
        let certificate = try ca.issue(dnsNames: ["stream.probe.test"])
        let caFile = FileManager.default.temporaryDirectory.appendingPathComponent("probe-ca-\(UUID().uuidString).pem")
        try ca.certificatePEM.write(to: caFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: caFile) }
        try await withUpstream(.pacedEventStream(events: 5, interval: .milliseconds(20), writes: .eachEvent), tls: certificate) { upstream in
            let base = ProbeRequest(url: "https://stream.probe.test:\(upstream.port)/events", resolve: ["stream.probe.test:\(upstream.port):127.0.0.1"])
            var trusted = base
            trusted.tls = ProbeTLSOptions(caFile: caFile.path)
            let run = await probe(trusted)
            let analysis = try #require(run.primary.analysis, "\(run.primary.outcome)")
            #expect(run.verdict == .passed, "\(ProbeHumanReport.render(run))")
            #expect(analysis.recording.response.httpVersion == "1.1")
            let tls = try #require(analysis.recording.timings.tlsDone)
            #expect(tls >= (analysis.recording.timings.connected ?? .zero))
            #expect(ProbeHumanReport.render(run).contains("  TLS done     \(DurationText.short(tls)) (handshake "))

            // The system's CAs do not know the test's: no response, exit 2.
            let untrusted = await probe(base)
            #expect(untrusted.verdict == .error, "\(ProbeHumanReport.render(untrusted))")

            var insecure = base
            insecure.tls = ProbeTLSOptions(insecure: true)
            #expect(await probe(insecure).verdict == .passed)
        }
    }

    @Test func comparingABufferingPathWithTheServiceItself() async throws {
        try await withUpstream(.pacedEventStream(events: 20, interval: .milliseconds(25), writes: .allAtTheEnd)) { buffering in
            try await withUpstream(.pacedEventStream(events: 20, interval: .milliseconds(25), writes: .eachEvent)) { streaming in
                let run = await probe(ProbeRequest(url: url(buffering.port)), ProbeExpectations(), compare: url(streaming.port))
                let a = try #require(run.primary.analysis)
                let b = try #require(run.compared?.analysis)
                let comparison = ProbeComparison(a, b)
                #expect(comparison.note?.hasPrefix("only the probed URL is buffered") == true)
                // The first event waited for the last one: most of the stream's half second later.
                #expect(try #require(comparison.firstEvent) > .milliseconds(300))
                #expect(comparison.events == 0)
                #expect(ProbeHumanReport.render(run).contains("difference (probed - compared)"))
            }
        }
    }
}
