import SluiceMetrics

/// What a ``RoutingTableStore`` remembers of its publishes, for `/metrics`: when a table was last
/// swapped in and how long the translations that made the published tables took (equal tables,
/// which are not swapped, included).
struct PublishHistory: Sendable, Equatable {
    /// 100 µs to 30 s: one Ingress takes microseconds, a large cluster's first table seconds.
    static let translationBuckets = HistogramBuckets(
        seconds: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30])

    /// Unix time of the last swap, in nanoseconds; nil before the first.
    var lastSwapUnixNanoseconds: Int64?
    var translations = HistogramSnapshot.empty(Self.translationBuckets)

    mutating func translated(in duration: Duration) {
        let (seconds, attoseconds) = duration.components
        translations.record(nanoseconds: seconds &* 1_000_000_000 &+ attoseconds / 1_000_000_000, in: Self.translationBuckets)
    }
}
