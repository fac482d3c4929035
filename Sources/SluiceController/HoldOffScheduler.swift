/// When to rebuild the routing table after the cache changed (Contour's hold-off): wait until the
/// cache has been quiet for ``minimum``, but never longer than ``maximum`` after the first
/// unhandled change, so a burst of events costs one rebuild and a constant trickle still gets one.
public struct HoldOffScheduler: Sendable, Hashable {
    public enum Decision: Sendable, Hashable {
        case rebuild
        case wait(until: ContinuousClock.Instant)
    }

    public var minimum: Duration
    public var maximum: Duration

    public init(minimum: Duration = .milliseconds(80), maximum: Duration = .seconds(1)) {
        self.minimum = minimum
        self.maximum = maximum
    }

    /// `firstChange`: the earliest change not yet rebuilt; `lastChange`: the latest one.
    public func decide(
        firstChange: ContinuousClock.Instant, lastChange: ContinuousClock.Instant, now: ContinuousClock.Instant
    ) -> Decision {
        let deadline = min(lastChange + minimum, firstChange + maximum)
        return now >= deadline ? .rebuild : .wait(until: deadline)
    }
}
