/// Exponential backoff with jitter, as client-go's reflector uses it: 800 ms doubling up to 30 s.
///
/// Pure: the random number comes in as an argument, so tests choose it.
public struct Backoff: Sendable, Hashable {
    public var initial: Duration
    public var maximum: Duration
    public var factor: Double
    /// The fraction of a delay that jitter may take away: with 0.2, a 10 s step waits 8–10 s.
    /// Subtracting keeps every delay at or below ``maximum`` while still spreading retries.
    public var jitter: Double
    /// The number of delays handed out since the last ``reset()``.
    public private(set) var attempts = 0

    public init(
        initial: Duration = .milliseconds(800), maximum: Duration = .seconds(30), factor: Double = 2,
        jitter: Double = 0.2
    ) {
        self.initial = initial
        self.maximum = maximum
        self.factor = factor
        self.jitter = jitter
    }

    /// The next delay; `random` is uniform in `0..<1`.
    public mutating func next(random: Double) -> Duration {
        let base = min(initial.seconds * pow(factor, attempts), maximum.seconds)
        attempts += 1
        let seconds = base * (1 - jitter * min(max(random, 0), 1))
        return .microseconds(Int64((seconds * 1_000_000).rounded()))
    }

    /// Back to ``initial``: the last attempt succeeded.
    public mutating func reset() {
        attempts = 0
    }

    private func pow(_ base: Double, _ exponent: Int) -> Double {
        // Enough doublings to pass any sane maximum; avoids overflowing to infinity.
        (0..<min(exponent, 64)).reduce(1) { result, _ in result * base }
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
