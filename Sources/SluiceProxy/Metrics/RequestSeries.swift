import SluiceMetrics

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
