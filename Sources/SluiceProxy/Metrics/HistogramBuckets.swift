/// The upper bounds of a histogram's buckets, fixed when it is made, in nanoseconds (every
/// Sluice histogram measures time). An observation is counted in the first bucket whose bound it
/// does not exceed, or in the last, `+Inf`, bucket; buckets are stored uncumulated and summed
/// when exported.
struct HistogramBuckets: Sendable, Equatable {
    /// Ascending; the `+Inf` bucket comes after them.
    let boundsNanoseconds: [Int64]

    init(seconds: [Double]) {
        precondition(zip(seconds, seconds.dropFirst()).allSatisfy { $0 < $1 }, "bucket bounds must ascend")
        boundsNanoseconds = seconds.map { Int64(($0 * 1e9).rounded()) }
    }

    /// Buckets, `+Inf` included.
    var count: Int { boundsNanoseconds.count + 1 }

    /// The bucket `nanoseconds` falls in (a linear scan from the lowest: the observations this
    /// proxy makes are mostly small).
    @inline(__always)
    func index(of nanoseconds: Int64) -> Int {
        var index = 0
        while index < boundsNanoseconds.count, nanoseconds > boundsNanoseconds[index] { index += 1 }
        return index
    }

    /// The `le` label of bucket `index`: its bound in seconds, shortest form (`0.005`, `1`,
    /// `+Inf`).
    func label(_ index: Int) -> String {
        guard index < boundsNanoseconds.count else { return "+Inf" }
        return PrometheusExposition.seconds(nanoseconds: boundsNanoseconds[index])
    }

    /// Request and stream durations: 1 ms to 1 h (a stream may last that long).
    static let requestDuration = HistogramBuckets(
        seconds: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600])
}
