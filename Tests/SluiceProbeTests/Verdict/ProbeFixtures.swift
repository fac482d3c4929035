import SluiceProbe

/// Recordings made up for the pure tests: a response head and events at given times.
enum ProbeFixtures {
    static let streamingHeaders = [ProbeHeaderField("Content-Type", "text/event-stream"), ProbeHeaderField("Cache-Control", "no-cache")]

    static func recording(
        status: Int = 200, httpVersion: String = "1.1", headers: [ProbeHeaderField] = streamingHeaders,
        arrivalsMs: [Int], end: ProbeEnd = .complete
    ) -> ProbeRecording {
        let events = arrivalsMs.map { ReceivedEvent(at: .milliseconds($0), bytes: 20) }
        return ProbeRecording(
            response: ProbeResponseHead(status: status, httpVersion: httpVersion, headers: headers),
            timings: ProbeTimings(connected: .microseconds(300), firstByte: .milliseconds(1), total: .milliseconds((arrivalsMs.last ?? 1) + 1)),
            events: events, bodyBytes: events.count * 20, end: end, remoteAddress: "127.0.0.1")
    }

    /// An event every 50 ms from 2 ms.
    static func streamed(_ count: Int = 10) -> [Int] { (0..<count).map { 2 + $0 * 50 } }

    /// `count` events together at 1 s.
    static func buffered(_ count: Int = 10) -> [Int] { Array(repeating: 1000, count: count) }

    static func result(
        _ recording: ProbeRecording, url: String = "http://probe.test/events",
        request: ProbeRequest? = nil, expectations: ProbeExpectations = ProbeExpectations()
    ) -> ProbeResult {
        ProbeResult(request: request ?? ProbeRequest(url: url), attempt: .success(recording), expectations: expectations)
    }

    static func refused(_ url: String = "http://127.0.0.1:1/") -> ProbeResult {
        ProbeResult(url: url, outcome: .failed(ProbeConnectionError("Failed to connect (Connection refused)")))
    }
}
