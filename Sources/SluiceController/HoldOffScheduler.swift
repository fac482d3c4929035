/// When to rebuild the routing table after the cache changed.
///
/// A lone change after a quiet spell is built at once (the leading edge): the user who edits one
/// Ingress waits for translation, not for a timer. Changes that follow a rebuild closely are a
/// burst and coalesce as Contour's hold-off does: wait until the cache has been quiet for
/// ``minimum``, but never longer than ``maximum`` after the first unhandled change. So a burst
/// costs at most two rebuilds (its first change and the rest), and a constant trickle gets one
/// per ``maximum`` at least — and at most about two per ``maximum``, as before.
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

    /// `firstChange`: the earliest change not yet rebuilt; `lastChange`: the latest one;
    /// `lastRebuild`: when the previous rebuild started (nil: none yet).
    public func decide(
        firstChange: ContinuousClock.Instant, lastChange: ContinuousClock.Instant, now: ContinuousClock.Instant,
        lastRebuild: ContinuousClock.Instant? = nil
    ) -> Decision {
        if let lastRebuild, firstChange - lastRebuild >= maximum { return .rebuild }
        let deadline = min(lastChange + minimum, firstChange + maximum)
        return now >= deadline ? .rebuild : .wait(until: deadline)
    }
}
