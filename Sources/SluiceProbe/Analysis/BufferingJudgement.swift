/// What ``BufferingRule`` found.
public struct BufferingJudgement: Sendable, Hashable {
    public enum Verdict: String, Sendable, Hashable {
        /// The events arrived as they were sent.
        case streamed
        /// Most events arrived in bursts after silences.
        case buffered
        /// Too few events to tell.
        case notJudged = "not-judged"
    }

    /// Events that arrived together right after a silence.
    public struct Burst: Sendable, Hashable {
        /// The index of its first event.
        public var firstEvent: Int
        public var events: Int
        /// When its first event arrived.
        public var at: Duration
        /// The silence before it.
        public var silence: Duration
        /// From its first event to its last.
        public var span: Duration
    }

    public var verdict: Verdict
    public var eventCount: Int
    /// The bursts found, whether or not they make the stream buffered.
    public var bursts: [Burst]
    public var medianGap: Duration?
    /// The shortest wait that counted as a silence.
    public var silenceThreshold: Duration

    public var eventsInBursts: Int { bursts.reduce(0) { $0 + $1.events } }

    /// One sentence saying what was found and why.
    public var explanation: String {
        switch verdict {
        case .notJudged:
            return "not judged: \(eventCount) event\(eventCount == 1 ? "" : "s"), too few to tell"
        case .buffered:
            let longest = bursts.map(\.silence).max() ?? .zero
            if bursts.count == 1, eventsInBursts == eventCount {
                return "buffered: all \(eventCount) events arrived in one burst, after \(DurationText.short(longest)) of silence"
            }
            return "buffered: \(eventsInBursts) of \(eventCount) events arrived in \(bursts.count) burst\(bursts.count == 1 ? "" : "s") "
                + "after silences of up to \(DurationText.short(longest)) (median gap \(DurationText.short(medianGap ?? .zero)))"
        case .streamed:
            if bursts.isEmpty {
                return "streamed: no burst after a silence (a silence is \(DurationText.short(silenceThreshold)) here)"
            }
            return "streamed: \(eventsInBursts) of \(eventCount) events arrived in bursts after a silence, fewer than half"
        }
    }
}
