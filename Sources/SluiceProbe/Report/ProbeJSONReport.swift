/// The `--json` document. Its keys are stable (`probe_format` changes if one ever changes
/// meaning); every key is always present, `null` when it does not apply. Times are seconds
/// (to the microsecond) from the start of the request, as curl's `-w time_*` values.
///
/// Top level: the probed URL's object (below) plus `probe_format` (1), `result` (`passed`,
/// `failed`, `error`), `exit_code`, `failed_checks` (names) and `compare` (the compared URL's
/// object plus `difference`: probed minus compared, or `null`).
///
/// A URL's object: `url`; `error` (why there was no response, else `null`); `response`
/// (`status`, `http_version`, `content_type`, `content_length`, `content_encoding`,
/// `remote_address`, `redirects`); `timings` (`connect_seconds`, `tls_seconds`,
/// `first_byte_seconds`, `first_event_seconds`, `total_seconds`); `events` (`count`,
/// `body_bytes`, `incomplete_bytes`, `arrival_seconds`: each event's arrival,
/// `gap_median_seconds`, `gap_p90_seconds`, `gap_max_seconds`); `ended` (`complete`,
/// `max-time`, `idle-timeout`, `broken`) and `ended_detail`; `buffering` (`verdict`:
/// `streamed`, `buffered` or `not-judged`, `explanation`, `events_in_bursts`,
/// `silence_threshold_seconds`, `bursts`: `first_event`, `events`, `at_seconds`,
/// `silence_seconds`, `span_seconds`); `checks` (`name`, `passed`, `detail`). A URL that did not
/// respond has `null` for `response`, `timings`, `events`, `ended`, `ended_detail` and `buffering`, and
/// no checks.
public enum ProbeJSONReport {
    public static let format = 1

    public static func render(_ run: ProbeRun) -> String {
        document(run).rendered() + "\n"
    }

    public static func document(_ run: ProbeRun) -> JSONValue {
        var top = object(run.primary)
        let verdict = run.verdict
        top["probe_format"] = .int(format)
        top["result"] = .string(verdict.name)
        top["exit_code"] = .int(Int(verdict.exitCode))
        if case .failed(let names) = verdict {
            top["failed_checks"] = .array(names.map(JSONValue.string))
        } else {
            top["failed_checks"] = .array([])
        }
        if let compared = run.compared {
            var other = object(compared)
            if let a = run.primary.analysis, let b = compared.analysis {
                other["difference"] = difference(ProbeComparison(a, b))
            } else {
                other["difference"] = .null
            }
            top["compare"] = .object(other)
        } else {
            top["compare"] = .null
        }
        return .object(top)
    }

    static func object(_ result: ProbeResult) -> [String: JSONValue] {
        var members: [String: JSONValue] = ["url": .string(result.url)]
        guard let analysis = result.analysis else {
            if case .failed(let error) = result.outcome { members["error"] = .string(error.message) }
            for key in ["response", "timings", "events", "ended", "ended_detail", "buffering"] { members[key] = .null }
            members["checks"] = .array([])
            return members
        }
        let recording = analysis.recording
        let response = recording.response
        members["error"] = .null
        members["response"] = .object([
            "status": .int(response.status),
            "http_version": .string(response.httpVersion),
            "content_type": text(response.values("Content-Type")),
            "content_length": text(response.values("Content-Length")),
            "content_encoding": text(response.values("Content-Encoding")),
            "remote_address": recording.remoteAddress.map(JSONValue.string) ?? .null,
            "redirects": .int(recording.redirects),
        ])
        let timings = recording.timings
        members["timings"] = .object([
            "connect_seconds": seconds(timings.connected),
            "tls_seconds": seconds(timings.tlsDone),
            "first_byte_seconds": seconds(timings.firstByte),
            "first_event_seconds": seconds(analysis.firstEvent),
            "total_seconds": seconds(timings.total),
        ])
        members["events"] = .object([
            "count": .int(recording.events.count),
            "body_bytes": .int(recording.bodyBytes),
            "incomplete_bytes": .int(recording.incompleteEventBytes),
            "arrival_seconds": .array(recording.events.map { seconds($0.at) }),
            "gap_median_seconds": seconds(analysis.gaps.median),
            "gap_p90_seconds": seconds(analysis.gaps.p90),
            "gap_max_seconds": seconds(analysis.gaps.max),
        ])
        members["ended"] = .string(recording.end.name)
        if case .broken(let message) = recording.end {
            members["ended_detail"] = .string(message)
        } else {
            members["ended_detail"] = .null
        }
        let buffering = analysis.buffering
        members["buffering"] = .object([
            "verdict": .string(buffering.verdict.rawValue),
            "explanation": .string(buffering.explanation),
            "events_in_bursts": .int(buffering.eventsInBursts),
            "silence_threshold_seconds": seconds(buffering.silenceThreshold),
            "bursts": .array(buffering.bursts.map { burst in
                .object([
                    "first_event": .int(burst.firstEvent),
                    "events": .int(burst.events),
                    "at_seconds": seconds(burst.at),
                    "silence_seconds": seconds(burst.silence),
                    "span_seconds": seconds(burst.span),
                ])
            }),
        ])
        members["checks"] = .array(analysis.checks.map { check in
            .object(["name": .string(check.name), "passed": .bool(check.passed), "detail": .string(check.detail)])
        })
        return members
    }

    private static func difference(_ comparison: ProbeComparison) -> JSONValue {
        .object([
            "first_byte_seconds": seconds(comparison.firstByte),
            "first_event_seconds": seconds(comparison.firstEvent),
            "gap_median_seconds": seconds(comparison.medianGap),
            "gap_p90_seconds": seconds(comparison.p90Gap),
            "gap_max_seconds": seconds(comparison.maxGap),
            "events": .int(comparison.events),
            "note": comparison.note.map(JSONValue.string) ?? .null,
        ])
    }

    private static func seconds(_ duration: Duration?) -> JSONValue {
        duration.map { .double(DurationText.seconds($0)) } ?? .null
    }

    private static func text(_ values: [String]) -> JSONValue {
        values.isEmpty ? .null : .string(values.joined(separator: ", "))
    }
}
