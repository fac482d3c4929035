import SluiceProbe
import Testing

/// The checks of a response and the exit status they lead to: 0 all met, 1 a check failed
/// (named), 2 no response.
@Suite("Probe checks and verdict")
struct ProbeVerdictTests {
    private func names(_ checks: [ProbeCheck]) -> [String] { checks.filter { !$0.passed }.map(\.name) }

    @Test func aStreamingResponsePassesTheHeaderChecks() {
        let head = ProbeResponseHead(status: 200, httpVersion: "1.1", headers: [ProbeHeaderField("content-type", "Text/Event-Stream; charset=utf-8")])
        let checks = ProbeChecks.headerChecks(head)
        #expect(checks.map(\.name) == ["status", "content-type", "content-length", "content-encoding"])
        #expect(names(checks).isEmpty)
        let identity = ProbeResponseHead(status: 200, httpVersion: "2", headers: ProbeFixtures.streamingHeaders + [ProbeHeaderField("Content-Encoding", "identity")])
        #expect(names(ProbeChecks.headerChecks(identity)).isEmpty)
    }

    @Test func headersThatBreakStreamingFail() {
        let head = ProbeResponseHead(status: 200, httpVersion: "1.1", headers: [
            ProbeHeaderField("Content-Type", "text/plain"), ProbeHeaderField("Content-Length", "120"),
            ProbeHeaderField("Content-Encoding", "gzip"),
        ])
        let checks = ProbeChecks.headerChecks(head)
        #expect(names(checks) == ["content-type", "content-length", "content-encoding"])
        #expect(checks[1].detail == "text/plain, not text/event-stream")
        #expect(checks[2].detail.contains("Content-Length: 120"))
        #expect(checks[3].detail == "Content-Encoding: gzip: an event stream must not be compressed")
        let missing = ProbeChecks.headerChecks(ProbeResponseHead(status: 200, httpVersion: "1.1", headers: []))
        #expect(names(missing) == ["content-type"])
    }

    @Test func aRedirectFailsTheStatusCheckAndSaysHowToFollowIt() {
        let checks = ProbeChecks.headerChecks(ProbeResponseHead(status: 301, httpVersion: "1.1", headers: ProbeFixtures.streamingHeaders))
        #expect(names(checks) == ["status"])
        #expect(checks[0].detail.contains("--location"))
    }

    @Test func aPassingRunExitsZero() {
        let expectations = ProbeExpectations(maxFirstEvent: .seconds(2), minEvents: 10, noBuffering: true)
        let run = ProbeRun(primary: ProbeFixtures.result(ProbeFixtures.recording(arrivalsMs: ProbeFixtures.streamed()), expectations: expectations))
        #expect(run.verdict == .passed)
        #expect(run.verdict.exitCode == 0)
        #expect(run.primary.analysis?.checks.map(\.name) == [
            "status", "content-type", "content-length", "content-encoding", "first-event", "min-events", "buffering",
        ])
    }

    @Test func eachRequestedCheckFailsOnItsOwn() {
        let recording = ProbeFixtures.recording(arrivalsMs: ProbeFixtures.streamed(5))
        let tooFew = ProbeRun(primary: ProbeFixtures.result(recording, expectations: ProbeExpectations(minEvents: 6)))
        #expect(tooFew.verdict == .failed(["min-events"]))
        #expect(tooFew.verdict.exitCode == 1)
        #expect(tooFew.primary.analysis?.failedChecks.first?.detail == "5 events (at least 6)")

        let late = ProbeRun(primary: ProbeFixtures.result(recording, expectations: ProbeExpectations(maxFirstEvent: .milliseconds(1))))
        #expect(late.verdict == .failed(["first-event"]))
        #expect(late.primary.analysis?.failedChecks.first?.detail == "first event at 2.0 ms (at most 1.0 ms)")

        let none = ProbeRun(primary: ProbeFixtures.result(ProbeFixtures.recording(arrivalsMs: []), expectations: ProbeExpectations(maxFirstEvent: .seconds(1))))
        #expect(none.verdict == .failed(["first-event"]))
    }

    @Test func bufferingFailsOnlyWhenNoBufferingIsExpected() {
        let recording = ProbeFixtures.recording(arrivalsMs: ProbeFixtures.buffered())
        let reported = ProbeRun(primary: ProbeFixtures.result(recording))
        #expect(reported.verdict == .passed)
        #expect(reported.primary.analysis?.buffering.verdict == .buffered)
        let checked = ProbeRun(primary: ProbeFixtures.result(recording, expectations: ProbeExpectations(noBuffering: true)))
        #expect(checked.verdict == .failed(["buffering"]))
        #expect(checked.primary.analysis?.failedChecks.first?.detail.hasPrefix("buffered: all 10 events") == true)
    }

    @Test func tooFewEventsToJudgeFailTheBufferingCheck() {
        let run = ProbeRun(primary: ProbeFixtures.result(
            ProbeFixtures.recording(arrivalsMs: [5, 60]), expectations: ProbeExpectations(noBuffering: true)))
        #expect(run.verdict == .failed(["buffering"]))
    }

    @Test func aBrokenStreamAndAMissingHTTP2Fail() {
        let broken = ProbeRun(primary: ProbeFixtures.result(ProbeFixtures.recording(arrivalsMs: [5], end: .broken("reset"))))
        #expect(broken.verdict == .failed(["stream-end"]))
        let cut = ProbeRun(primary: ProbeFixtures.result(ProbeFixtures.recording(arrivalsMs: [5], end: .maxTime)))
        #expect(cut.verdict == .passed)
        let h1 = ProbeFixtures.recording(arrivalsMs: [5])
        let asked = ProbeRequest(url: "https://probe.test/", httpVersion: .http2)
        #expect(ProbeRun(primary: ProbeFixtures.result(h1, request: asked)).verdict == .failed(["http2"]))
        let h2 = ProbeFixtures.recording(httpVersion: "2", arrivalsMs: [5])
        #expect(ProbeRun(primary: ProbeFixtures.result(h2, request: asked)).verdict == .passed)
    }

    @Test func noResponseExitsTwoForEitherURL() {
        #expect(ProbeRun(primary: ProbeFixtures.refused()).verdict == .error)
        #expect(ProbeRun(primary: ProbeFixtures.refused()).verdict.exitCode == 2)
        let compared = ProbeRun(
            primary: ProbeFixtures.result(ProbeFixtures.recording(arrivalsMs: ProbeFixtures.streamed())),
            compared: ProbeFixtures.refused())
        #expect(compared.verdict.exitCode == 2)
    }

    @Test func theComparedURLsChecksDoNotDecide() {
        let bad = ProbeFixtures.recording(headers: [ProbeHeaderField("Content-Type", "text/plain")], arrivalsMs: [1])
        let run = ProbeRun(
            primary: ProbeFixtures.result(ProbeFixtures.recording(arrivalsMs: ProbeFixtures.streamed())),
            compared: ProbeFixtures.result(bad))
        #expect(run.verdict == .passed)
    }
}
