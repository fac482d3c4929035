/// The labels of one request series within a route: method, status class, protocol.
struct RequestSeriesLabels: Hashable, Sendable {
    var method: MethodLabel
    var status: StatusClassLabel
    var proto: ClientProtocolLabel

    /// A small number that identifies these labels (a loop finds a series by it).
    var code: UInt16 {
        (UInt16(method.rawValue) &* 8 &+ UInt16(status.rawValue)) &* 4 &+ UInt16(proto.rawValue)
    }

    var labels: [(name: String, value: String)] {
        [("method", method.text), ("status", status.text), ("protocol", proto.text)]
    }
}

/// One route's requests with one set of labels, on one event loop: their duration histogram
/// (whose count is `sluice_requests_total`). Written by that loop only (`LoopOwnedCounters`).
final class RequestSeries: Sendable {
    let labels: RequestSeriesLabels
    let counters: LoopOwnedCounters

    static let histogram = HistogramSlot(offset: 0, buckets: .requestDuration)
    static var buckets: HistogramBuckets { histogram.buckets }

    init(labels: RequestSeriesLabels) {
        self.labels = labels
        self.counters = LoopOwnedCounters(count: Self.histogram.width)
    }

    /// One request ended after `nanoseconds`. Owning loop only.
    @inline(__always)
    func observe(nanoseconds: Int64) {
        Self.histogram.observe(nanoseconds, in: counters)
    }

    /// The histogram now (any thread).
    var snapshot: HistogramSnapshot {
        Self.histogram.snapshot(of: counters)
    }
}

/// A histogram's values at one moment: uncumulated bucket counts and the sum of observations.
struct HistogramSnapshot: Equatable, Sendable {
    var sumNanoseconds: Int
    var buckets: [Int]

    var count: Int { buckets.reduce(0, &+) }

    static func empty(_ buckets: HistogramBuckets) -> HistogramSnapshot {
        HistogramSnapshot(sumNanoseconds: 0, buckets: Array(repeating: 0, count: buckets.count))
    }

    /// Adds `other`'s counts (another loop's) to these.
    mutating func add(_ other: HistogramSnapshot) {
        sumNanoseconds &+= other.sumNanoseconds
        for index in buckets.indices where index < other.buckets.count { buckets[index] &+= other.buckets[index] }
    }
}
