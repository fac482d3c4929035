/// What the user asked the probe to hold the response to, beyond the checks every streaming
/// response must pass (a 2xx status and the streaming header fields).
public struct ProbeExpectations: Sendable, Hashable {
    /// `--max-first-event`: the first event must arrive within this, from the start.
    public var maxFirstEvent: Duration?
    /// `--min-events`: at least this many events.
    public var minEvents: Int?
    /// `--expect-no-buffering`: the buffering rule must find the stream streamed.
    public var noBuffering: Bool
    public var rule: BufferingRule

    public init(maxFirstEvent: Duration? = nil, minEvents: Int? = nil, noBuffering: Bool = false, rule: BufferingRule = BufferingRule()) {
        self.maxFirstEvent = maxFirstEvent
        self.minEvents = minEvents
        self.noBuffering = noBuffering
        self.rule = rule
    }
}

/// One check and how it went.
public struct ProbeCheck: Sendable, Hashable {
    /// Stable names: `status`, `content-type`, `content-length`, `content-encoding`, `stream-end`,
    /// `http2`, `first-event`, `min-events`, `buffering`.
    public var name: String
    public var passed: Bool
    /// What was found (and, for a failure, what was expected).
    public var detail: String

    public init(_ name: String, passed: Bool, _ detail: String) {
        self.name = name
        self.passed = passed
        self.detail = detail
    }
}
