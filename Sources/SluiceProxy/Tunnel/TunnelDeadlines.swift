import NIOCore

/// A tunnel's time limits: the stream idle timeout (no byte crossed the tunnel, in either
/// direction, for `idleTimeout`) and the route's `max-stream-duration` cap. When either passes,
/// ``start(onExpiry:)``'s closure closes the tunnel.
///
/// A relayed read only records the time (``touch()``). The tunnel waits on its loop's
/// ``DeadlineWheel`` like the proxy's connections, for the earliest time a limit could pass, and
/// re-files itself when the tunnel was active in between. NIO's `IdleStateHandler`, which this
/// replaces, sat in the upstream pipeline: every read, read request and write went through it,
/// and each write got a promise of its own.
final class TunnelDeadlines: DeadlineWheelMember {
    var wheelPlace: DeadlineWheel.Place?
    private let wheel: DeadlineWheel
    private let idleTimeout: TimeAmount
    private let cap: NIODeadline?
    private var lastActivity: NIODeadline
    private var onExpiry: (() -> Void)?

    init(idleTimeout: TimeAmount, maxDuration: TimeAmount?, wheel: DeadlineWheel) {
        self.wheel = wheel
        self.idleTimeout = idleTimeout
        let now = wheel.now
        self.lastActivity = now
        self.cap = maxDuration.map { now + $0 }
    }

    /// Files the tunnel in the wheel; `onExpiry` runs once, on the event loop, when a limit passes.
    func start(onExpiry: @escaping () -> Void) {
        self.onExpiry = onExpiry
        wheel.add(self, at: nextDeadline)
    }

    /// Bytes crossed the tunnel.
    func touch() {
        lastActivity = wheel.now
    }

    /// The tunnel closed: nothing more will expire.
    func stop() {
        wheel.remove(self)
        onExpiry = nil
    }

    private var nextDeadline: NIODeadline {
        let idle = lastActivity + idleTimeout
        guard let cap else { return idle }
        return min(idle, cap)
    }

    func wheelDeadlineReached() {
        guard let onExpiry else { return }
        let deadline = nextDeadline
        if wheel.now < deadline {
            wheel.add(self, at: deadline)
            return
        }
        stop()
        onExpiry()
    }
}

@available(*, unavailable)
extension TunnelDeadlines: Sendable {}
