import Foundation
import SluiceProbe
import Testing

/// The human report and the `--json` document.
@Suite("Probe reports")
struct ProbeReportTests {
    private func parse(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func theJSONDocumentHasEveryKeyWhenTheURLResponded() throws {
        let run = ProbeRun(primary: ProbeFixtures.result(
            ProbeFixtures.recording(arrivalsMs: ProbeFixtures.buffered()), expectations: ProbeExpectations(minEvents: 20, noBuffering: true)))
        let json = try parse(ProbeJSONReport.render(run))
        #expect(Set(json.keys) == [
            "probe_format", "url", "result", "exit_code", "failed_checks", "error", "response", "timings", "events", "ended",
            "ended_detail", "buffering", "checks", "compare",
        ])
        #expect(json["probe_format"] as? Int == 1)
        #expect(json["result"] as? String == "failed")
        #expect(json["exit_code"] as? Int == 1)
        #expect(json["failed_checks"] as? [String] == ["min-events", "buffering"])
        #expect(json["error"] is NSNull)
        #expect(json["compare"] is NSNull)
        let response = try #require(json["response"] as? [String: Any])
        #expect(Set(response.keys) == ["status", "http_version", "content_type", "content_length", "content_encoding", "remote_address", "redirects"])
        #expect(response["content_type"] as? String == "text/event-stream")
        #expect(response["content_encoding"] is NSNull)
        let timings = try #require(json["timings"] as? [String: Any])
        #expect(Set(timings.keys) == ["connect_seconds", "tls_seconds", "first_byte_seconds", "first_event_seconds", "total_seconds"])
        #expect(timings["connect_seconds"] as? Double == 0.0003)
        #expect(timings["tls_seconds"] is NSNull)
        #expect(timings["first_event_seconds"] as? Double == 1.0)
        let events = try #require(json["events"] as? [String: Any])
        #expect(Set(events.keys) == ["count", "body_bytes", "incomplete_bytes", "arrival_seconds", "gap_median_seconds", "gap_p90_seconds", "gap_max_seconds"])
        #expect(events["count"] as? Int == 10)
        #expect((events["arrival_seconds"] as? [Double])?.count == 10)
        let buffering = try #require(json["buffering"] as? [String: Any])
        #expect(buffering["verdict"] as? String == "buffered")
        #expect(buffering["events_in_bursts"] as? Int == 10)
        let bursts = try #require(buffering["bursts"] as? [[String: Any]])
        #expect(Set(bursts[0].keys) == ["first_event", "events", "at_seconds", "silence_seconds", "span_seconds"])
        let checks = try #require(json["checks"] as? [[String: Any]])
        #expect(checks.map { $0["name"] as? String } == ["status", "content-type", "content-length", "content-encoding", "min-events", "buffering"])
        #expect(checks.map { $0["passed"] as? Bool } == [true, true, true, true, false, false])
    }

    @Test func aURLWithoutResponseHasNullsAndTheError() throws {
        let run = ProbeRun(primary: ProbeFixtures.refused())
        let json = try parse(ProbeJSONReport.render(run))
        #expect(json["result"] as? String == "error")
        #expect(json["exit_code"] as? Int == 2)
        #expect(json["error"] as? String == "Failed to connect (Connection refused)")
        for key in ["response", "timings", "events", "ended", "ended_detail", "buffering"] {
            #expect(json[key] is NSNull, "\(key)")
        }
        #expect((json["checks"] as? [Any])?.isEmpty == true)
    }

    @Test func theComparedURLCarriesTheDifference() throws {
        let run = ProbeRun(
            primary: ProbeFixtures.result(ProbeFixtures.recording(arrivalsMs: ProbeFixtures.buffered())),
            compared: ProbeFixtures.result(ProbeFixtures.recording(arrivalsMs: ProbeFixtures.streamed()), url: "http://service/events"))
        let json = try parse(ProbeJSONReport.render(run))
        let compare = try #require(json["compare"] as? [String: Any])
        #expect(compare["url"] as? String == "http://service/events")
        let difference = try #require(compare["difference"] as? [String: Any])
        #expect(difference["first_event_seconds"] as? Double == 0.998)
        #expect(difference["events"] as? Int == 0)
        #expect((difference["note"] as? String)?.hasPrefix("only the probed URL is buffered") == true)

        let text = ProbeHumanReport.render(run)
        #expect(text.contains("compare http://service/events"))
        #expect(text.contains("first event  +998 ms"))
        #expect(text.contains("note         only the probed URL is buffered"))
    }

    @Test func theJSONTextIsStableAndEscaped() {
        let value = JSONValue.object(["b": .array([.double(0.25), .int(3)]), "a": .string("q\"\\\n\u{1}é"), "c": .null])
        #expect(value.rendered() == """
            {
              "a": "q\\"\\\\\\n\\u0001é",
              "b": [0.25, 3],
              "c": null
            }
            """)
    }

    @Test func theHumanReportSaysBufferedAndNamesTheFailedCheck() {
        let run = ProbeRun(primary: ProbeFixtures.result(
            ProbeFixtures.recording(arrivalsMs: ProbeFixtures.buffered(12)), expectations: ProbeExpectations(minEvents: 20, noBuffering: true)))
        let text = ProbeHumanReport.render(run)
        #expect(text.hasPrefix("probe http://probe.test/events\n  response     HTTP/1.1 200, text/event-stream\n"))
        #expect(text.contains("  buffering    buffered: all 12 events arrived in one burst, after 1000 ms of silence\n"))
        #expect(text.contains("FAIL min-events: 12 events (at least 20)"))
        #expect(text.hasSuffix("result: FAILED (min-events, buffering)\n"))
    }

    @Test func theHumanReportOfARefusedURL() {
        let text = ProbeHumanReport.render(ProbeRun(primary: ProbeFixtures.refused()))
        #expect(text == "probe http://127.0.0.1:1/\n  error        Failed to connect (Connection refused)\nresult: ERROR (no response)\n")
    }

    @Test func durationsAsPeopleReadThem() {
        #expect(DurationText.short(.microseconds(850)) == "850 µs")
        #expect(DurationText.short(.microseconds(41_230)) == "41.2 ms")
        #expect(DurationText.short(.milliseconds(250)) == "250 ms")
        #expect(DurationText.short(.milliseconds(1250)) == "1.25 s")
        #expect(DurationText.signed(.milliseconds(-120)) == "-120 ms")
        #expect(DurationText.signed(.milliseconds(3)) == "+3.0 ms")
        #expect(DurationText.seconds(.nanoseconds(1_234_567)) == 0.001235)
    }
}
