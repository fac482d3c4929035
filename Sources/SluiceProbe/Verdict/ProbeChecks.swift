import Foundation

/// The checks of one response: pure, from what was recorded and what was asked.
public enum ProbeChecks {
    public static func evaluate(
        _ recording: ProbeRecording, judgement: BufferingJudgement, request: ProbeRequest, expectations: ProbeExpectations
    ) -> [ProbeCheck] {
        var checks = headerChecks(recording.response)
        if case .broken(let message) = recording.end {
            checks.append(ProbeCheck("stream-end", passed: false, "the stream broke after \(recording.events.count) events: \(message)"))
        }
        if request.httpVersion == .http2 {
            let version = recording.response.httpVersion
            checks.append(ProbeCheck("http2", passed: version == "2", "HTTP/\(version)\(version == "2" ? "" : ", HTTP/2 was asked for")"))
        }
        if let limit = expectations.maxFirstEvent {
            if let first = recording.events.first {
                checks.append(ProbeCheck(
                    "first-event", passed: first.at <= limit,
                    "first event at \(DurationText.short(first.at)) (at most \(DurationText.short(limit)))"))
            } else {
                checks.append(ProbeCheck("first-event", passed: false, "no event arrived (expected one within \(DurationText.short(limit)))"))
            }
        }
        if let minimum = expectations.minEvents {
            let count = recording.events.count
            checks.append(ProbeCheck("min-events", passed: count >= minimum, "\(count) event\(count == 1 ? "" : "s") (at least \(minimum))"))
        }
        if expectations.noBuffering {
            checks.append(ProbeCheck("buffering", passed: judgement.verdict == .streamed, judgement.explanation))
        }
        return checks
    }

    /// A 2xx status, `Content-Type: text/event-stream`, no `Content-Length` (a stream's length is
    /// not known in advance: one that has it was read whole first) and no `Content-Encoding`
    /// (compression holds events back until its block fills, and garbles streams for clients).
    public static func headerChecks(_ response: ProbeResponseHead) -> [ProbeCheck] {
        var checks: [ProbeCheck] = []
        let redirect = (300..<400).contains(response.status) ? " (a redirect: --location follows it)" : ""
        checks.append(ProbeCheck("status", passed: (200..<300).contains(response.status), "\(response.status)\(redirect)"))

        let contentType = response.values("Content-Type").first
        let mediaType = contentType.map { $0.split(separator: ";").first.map(String.init) ?? "" }?
            .trimmingCharacters(in: .whitespaces).lowercased()
        checks.append(ProbeCheck(
            "content-type", passed: mediaType == "text/event-stream",
            contentType.map { mediaType == "text/event-stream" ? $0 : "\($0), not text/event-stream" } ?? "none, not text/event-stream"))

        let lengths = response.values("Content-Length")
        checks.append(ProbeCheck(
            "content-length", passed: lengths.isEmpty,
            lengths.isEmpty ? "none" : "Content-Length: \(lengths.joined(separator: ", ")): the response was read whole before it was sent (buffered)"))

        let codings = response.values("Content-Encoding").filter { $0.trimmingCharacters(in: .whitespaces).lowercased() != "identity" }
        checks.append(ProbeCheck(
            "content-encoding", passed: codings.isEmpty,
            codings.isEmpty ? "none" : "Content-Encoding: \(codings.joined(separator: ", ")): an event stream must not be compressed"))
        return checks
    }
}
