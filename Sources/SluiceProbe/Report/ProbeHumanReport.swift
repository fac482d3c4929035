/// The short report for people: one block per URL, the checks, the difference to the compared
/// URL, and the result.
public enum ProbeHumanReport {
    public static func render(_ run: ProbeRun) -> String {
        var lines = block(run.primary, label: "probe", withChecks: true)
        if let compared = run.compared {
            lines += [""] + block(compared, label: "compare", withChecks: false)
            if let a = run.primary.analysis, let b = compared.analysis {
                lines += [""] + comparison(ProbeComparison(a, b))
            }
        }
        switch run.verdict {
        case .passed: lines.append("result: passed")
        case .failed(let names): lines.append("result: FAILED (\(names.joined(separator: ", ")))")
        case .error: lines.append("result: ERROR (no response)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func block(_ result: ProbeResult, label: String, withChecks: Bool) -> [String] {
        var lines = ["\(label) \(result.url)"]
        let analysis: ProbeAnalysis
        switch result.outcome {
        case .failed(let error):
            return lines + [row("error", error.message)]
        case .responded(let responded):
            analysis = responded
        }
        let recording = analysis.recording
        let response = recording.response
        let contentType = response.values("Content-Type").first.map { ", \($0)" } ?? ""
        lines.append(row("response", "HTTP/\(response.httpVersion) \(response.status)\(contentType)"
            + (recording.redirects > 0 ? " after \(recording.redirects) redirect\(recording.redirects == 1 ? "" : "s")" : "")))
        let timings = recording.timings
        lines.append(row("connected", timings.connected.map(DurationText.short) ?? "-"))
        if let tls = timings.tlsDone {
            let handshake = timings.connected.map { " (handshake \(DurationText.short(tls - $0)))" } ?? ""
            lines.append(row("TLS done", DurationText.short(tls) + handshake))
        }
        lines.append(row("first byte", timings.firstByte.map(DurationText.short) ?? "-"))
        lines.append(row("first event", analysis.firstEvent.map(DurationText.short) ?? "none"))
        let count = recording.events.count
        lines.append(row("events", "\(count) event\(count == 1 ? "" : "s"), \(recording.bodyBytes) bytes in \(DurationText.short(timings.total)) (\(ending(recording)))"))
        if recording.incompleteEventBytes > 0 {
            lines.append(row("", "\(recording.incompleteEventBytes) bytes after the last event were no complete event"))
        }
        if let median = analysis.gaps.median, let p90 = analysis.gaps.p90, let max = analysis.gaps.max {
            lines.append(row("gaps", "median \(DurationText.short(median)), p90 \(DurationText.short(p90)), max \(DurationText.short(max))"))
        }
        lines.append(row("buffering", analysis.buffering.explanation))
        if withChecks {
            for (index, check) in analysis.checks.enumerated() {
                lines.append(row(index == 0 ? "checks" : "", "\(check.passed ? "ok  " : "FAIL") \(check.name): \(check.detail)"))
            }
        }
        return lines
    }

    private static func comparison(_ comparison: ProbeComparison) -> [String] {
        func text(_ value: Duration?) -> String { value.map(DurationText.signed) ?? "-" }
        var lines = ["difference (probed - compared)"]
        lines.append(row("first byte", text(comparison.firstByte)))
        lines.append(row("first event", text(comparison.firstEvent)))
        lines.append(row("median gap", text(comparison.medianGap)))
        lines.append(row("p90 gap", text(comparison.p90Gap)))
        lines.append(row("max gap", text(comparison.maxGap)))
        lines.append(row("events", (comparison.events >= 0 ? "+" : "") + "\(comparison.events)"))
        if let note = comparison.note { lines.append(row("note", note)) }
        return lines
    }

    private static func ending(_ recording: ProbeRecording) -> String {
        switch recording.end {
        case .complete: "complete"
        case .maxTime: "stopped at --max-time"
        case .idleTimeout: "stopped: silent for --timeout"
        case .broken(let message): "broken: \(message)"
        }
    }

    private static func row(_ label: String, _ value: String) -> String {
        "  " + label + String(repeating: " ", count: max(1, 13 - label.count)) + value
    }
}
