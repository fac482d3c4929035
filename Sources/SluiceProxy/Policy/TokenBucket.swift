import SluiceRouting

/// One client's bucket of a `RequestRate`, as a pure value: it holds up to `capacity` requests,
/// refills at the rate, and each request takes one. Times are monotonic nanoseconds.
struct TokenBucket: Equatable, Sendable {
    /// Requests available, fractional while refilling.
    private(set) var tokens: Double
    private(set) var updatedAt: UInt64

    /// A full bucket: a client not seen lately may send its whole burst.
    init(rate: RequestRate, now: UInt64) {
        tokens = Double(rate.capacity)
        updatedAt = now
    }

    /// How long until the bucket holds a request at `now`; nil: it holds one already.
    mutating func wait(rate: RequestRate, now: UInt64) -> Duration? {
        refill(rate: rate, now: now)
        guard tokens < 1 else { return nil }
        let perToken = Double(rate.period.nanoseconds) / Double(max(rate.requests, 1))
        return .nanoseconds(Int64(((1 - tokens) * perToken).rounded(.up)))
    }

    /// Takes one request (after ``wait(rate:now:)`` said one is there).
    mutating func take(rate: RequestRate, now: UInt64) {
        refill(rate: rate, now: now)
        tokens = max(0, tokens - 1)
    }

    /// Whether the bucket is full at `now`: the client may be forgotten.
    func isFull(rate: RequestRate, now: UInt64) -> Bool {
        var copy = self
        copy.refill(rate: rate, now: now)
        return copy.tokens >= Double(rate.capacity)
    }

    private mutating func refill(rate: RequestRate, now: UInt64) {
        guard now > updatedAt else { return }
        let elapsed = Double(now - updatedAt)
        tokens = min(Double(rate.capacity), tokens + elapsed * Double(rate.requests) / Double(rate.period.nanoseconds))
        updatedAt = now
    }
}

extension Duration {
    /// The whole duration in nanoseconds (saturating).
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : scaled + attoseconds / 1_000_000_000
    }
}
