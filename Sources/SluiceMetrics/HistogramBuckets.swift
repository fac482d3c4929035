/// The upper bounds of a histogram's buckets, fixed when it is made, in nanoseconds (every
/// Sluice histogram measures time). An observation is counted in the first bucket whose bound it
/// does not exceed, or in the last, `+Inf`, bucket; buckets are stored uncumulated and summed
/// when exported.
public struct HistogramBuckets: Sendable, Equatable {
    /// Ascending; the `+Inf` bucket comes after them.
    public let boundsNanoseconds: [Int64]

    public init(seconds: [Double]) {
        precondition(zip(seconds, seconds.dropFirst()).allSatisfy { $0 < $1 }, "bucket bounds must ascend")
        boundsNanoseconds = seconds.map { Int64(($0 * 1e9).rounded()) }
    }

    /// Buckets, `+Inf` included.
    @inlinable public var count: Int { boundsNanoseconds.count + 1 }

    /// The bucket `nanoseconds` falls in (a linear scan from the lowest: the observations this
    /// proxy makes are mostly small). Inlinable: the proxy calls it per relayed event.
    @inlinable @inline(__always)
    public func index(of nanoseconds: Int64) -> Int {
        var index = 0
        while index < boundsNanoseconds.count, nanoseconds > boundsNanoseconds[index] { index += 1 }
        return index
    }

    /// The `le` label of bucket `index`: its bound in seconds, shortest form (`0.005`, `1`,
    /// `+Inf`).
    public func label(_ index: Int) -> String {
        guard index < boundsNanoseconds.count else { return "+Inf" }
        return PrometheusExposition.seconds(nanoseconds: boundsNanoseconds[index])
    }
}
