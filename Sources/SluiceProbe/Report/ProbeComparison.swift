/// How the probed URL differs from the `--compare` URL (typically the service behind the
/// ingress): each value is the probed URL's minus the compared one's, nil when either lacks it.
public struct ProbeComparison: Sendable, Hashable {
    public var firstByte: Duration?
    public var firstEvent: Duration?
    public var medianGap: Duration?
    public var p90Gap: Duration?
    public var maxGap: Duration?
    public var events: Int
    /// What the two judgements together say about where buffering happens.
    public var note: String?

    public init(_ probed: ProbeAnalysis, _ compared: ProbeAnalysis) {
        func difference(_ a: Duration?, _ b: Duration?) -> Duration? {
            guard let a, let b else { return nil }
            return a - b
        }
        firstByte = difference(probed.recording.timings.firstByte, compared.recording.timings.firstByte)
        firstEvent = difference(probed.firstEvent, compared.firstEvent)
        medianGap = difference(probed.gaps.median, compared.gaps.median)
        p90Gap = difference(probed.gaps.p90, compared.gaps.p90)
        maxGap = difference(probed.gaps.max, compared.gaps.max)
        events = probed.recording.events.count - compared.recording.events.count
        switch (probed.buffering.verdict, compared.buffering.verdict) {
        case (.buffered, .buffered):
            note = "both are buffered: the bursts come from the upstream itself, not from the path in between"
        case (.buffered, .streamed):
            note = "only the probed URL is buffered: something between it and the compared URL holds events back"
        case (.streamed, .buffered):
            note = "the compared URL is buffered but the probed one is not"
        default:
            note = nil
        }
    }
}
