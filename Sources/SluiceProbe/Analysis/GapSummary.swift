/// The gaps between consecutive events and their median, 90th percentile and maximum.
public struct GapSummary: Sendable, Hashable {
    /// `events[i].at - events[i-1].at`, for each event after the first.
    public let gaps: [Duration]
    public let median: Duration?
    public let p90: Duration?
    public let max: Duration?

    public init(arrivals: [Duration]) {
        gaps = zip(arrivals.dropFirst(), arrivals).map { $0 - $1 }
        let sorted = gaps.sorted()
        median = Self.median(of: sorted)
        p90 = Self.percentile(0.9, of: sorted)
        max = sorted.last
    }

    /// The median of sorted values: the middle one, or the mean of the two middle ones.
    static func median(of sorted: [Duration]) -> Duration? {
        guard !sorted.isEmpty else { return nil }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// The nearest-rank percentile of sorted values.
    static func percentile(_ fraction: Double, of sorted: [Duration]) -> Duration? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[Swift.max(0, Swift.min(sorted.count - 1, rank - 1))]
    }
}
