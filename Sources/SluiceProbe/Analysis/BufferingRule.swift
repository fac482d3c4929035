/// The rule that judges whether a stream's events were held back somewhere and released in
/// bursts, from their arrival times alone.
///
/// A *silence* is a wait of at least `max(silenceFloor, silenceFactor × median gap)` — by
/// default 200 ms, or ten times the median gap between consecutive events when that is longer —
/// before an event: since the previous event, or, for the first one, since the request. A *burst*
/// is `minimumBurstEvents` (3) or more events right after a silence, each arriving within
/// `burstWindow` (5 ms) of the one before: what a buffer looks like when it is flushed. The stream
/// is *buffered* when at least `bufferedShare` (half) of its events arrived in bursts. All events
/// in one burst at the end is the extreme case; 4 KiB bursts are the common one.
///
/// A stream sending an event every 50 ms has a median gap of 50 ms, so a silence is 500 ms, and
/// its events are 50 ms apart, not 5 ms: it streams. A single hiccup (an upstream pause, then a
/// few queued events at once) is a burst, but holds far less than half the events. A stream of
/// fewer than `minimumBurstEvents` events is not judged. An upstream that itself writes events in
/// batches looks the same as a proxy that buffers: `--compare` with the service's own URL tells
/// which one it is.
public struct BufferingRule: Sendable, Hashable {
    public var burstWindow: Duration
    public var minimumBurstEvents: Int
    public var silenceFloor: Duration
    public var silenceFactor: Int
    /// The share of events in bursts from which the stream counts as buffered.
    public var bufferedShare: Double

    public init(
        burstWindow: Duration = .milliseconds(5),
        minimumBurstEvents: Int = 3,
        silenceFloor: Duration = .milliseconds(200),
        silenceFactor: Int = 10,
        bufferedShare: Double = 0.5
    ) {
        self.burstWindow = burstWindow
        self.minimumBurstEvents = minimumBurstEvents
        self.silenceFloor = silenceFloor
        self.silenceFactor = silenceFactor
        self.bufferedShare = bufferedShare
    }

    /// One line for help texts and reports.
    public var summary: String {
        "buffered = at least \(Int(bufferedShare * 100))% of the events arrived in bursts: "
            + "\(minimumBurstEvents)+ events each within \(DurationText.short(burstWindow)) of the one before, "
            + "right after a silence of at least \(DurationText.short(silenceFloor)) or \(silenceFactor)× the median gap "
            + "(since the previous event, or the request)"
    }

    /// Judges the events that arrived at `arrivals` (sorted) for a request sent at `requestStart`.
    public func judge(arrivals: [Duration], requestStart: Duration = .zero) -> BufferingJudgement {
        let gaps = GapSummary(arrivals: arrivals)
        let threshold = Swift.max(silenceFloor, (gaps.median ?? .zero) * silenceFactor)
        guard arrivals.count >= minimumBurstEvents else {
            return BufferingJudgement(
                verdict: .notJudged, eventCount: arrivals.count, bursts: [], medianGap: gaps.median,
                silenceThreshold: threshold)
        }
        var bursts: [BufferingJudgement.Burst] = []
        var runStart = 0
        for index in 1...arrivals.count {
            // A run of events each within the window of the one before ends here.
            if index < arrivals.count, arrivals[index] - arrivals[index - 1] <= burstWindow { continue }
            let size = index - runStart
            let silence = arrivals[runStart] - (runStart == 0 ? requestStart : arrivals[runStart - 1])
            if size >= minimumBurstEvents, silence >= threshold {
                bursts.append(.init(
                    firstEvent: runStart, events: size, at: arrivals[runStart], silence: silence,
                    span: arrivals[index - 1] - arrivals[runStart]))
            }
            runStart = index
        }
        let inBursts = bursts.reduce(0) { $0 + $1.events }
        let buffered = Double(inBursts) >= bufferedShare * Double(arrivals.count)
        return BufferingJudgement(
            verdict: buffered ? .buffered : .streamed, eventCount: arrivals.count, bursts: bursts,
            medianGap: gaps.median, silenceThreshold: threshold)
    }
}
