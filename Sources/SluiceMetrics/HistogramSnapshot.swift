/// A histogram's values at one moment: uncumulated bucket counts and the sum of observations.
public struct HistogramSnapshot: Equatable, Sendable {
    public var sumNanoseconds: Int
    public var buckets: [Int]

    public init(sumNanoseconds: Int, buckets: [Int]) {
        self.sumNanoseconds = sumNanoseconds
        self.buckets = buckets
    }

    public var count: Int { buckets.reduce(0, &+) }

    public static func empty(_ buckets: HistogramBuckets) -> HistogramSnapshot {
        HistogramSnapshot(sumNanoseconds: 0, buckets: Array(repeating: 0, count: buckets.count))
    }

    /// Adds `other`'s counts (another loop's) to these.
    public mutating func add(_ other: HistogramSnapshot) {
        sumNanoseconds &+= other.sumNanoseconds
        for index in buckets.indices where index < other.buckets.count { buckets[index] &+= other.buckets[index] }
    }

    /// Counts one observation of `nanoseconds` (for histograms written under a lock, at a low
    /// rate: the proxy's per-event histograms live in per-loop cells instead).
    public mutating func record(nanoseconds: Int64, in bounds: HistogramBuckets) {
        buckets[bounds.index(of: nanoseconds)] &+= 1
        sumNanoseconds &+= Int(nanoseconds)
    }
}
