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
    /// The tunnel's stream metrics, until it ends (``streamEnded(_:)``).
    private var stream: StreamMetricsRecord?
    /// Which limit closed the tunnel, if one did.
    private var expiredBy: StreamEndReason?
    /// Which side stopped sending first (a half-close), if one did.
    private var firstToFinish: StreamEndReason?

    /// The route's counters the tunnel's bytes are added to.
    private let traffic: RouteStreamCounters?

    init(idleTimeout: TimeAmount, maxDuration: TimeAmount?, wheel: DeadlineWheel, stream: StreamMetricsRecord? = nil) {
        self.stream = stream
        self.traffic = stream?.counters
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
        expiredBy = cap.map { wheel.now >= $0 } == true ? .maxDuration : .idleTimeout
        onExpiry()
    }

    /// One end of the tunnel closed after `bytes` were written to it (to the client: `toClient`).
    func endClosed(afterWriting bytes: Int, toClient: Bool) {
        guard let traffic, bytes > 0 else { return }
        if toClient { traffic.bytesSent(bytes) } else { traffic.bytesReceived(bytes) }
    }

    /// One side of the tunnel stopped sending (`reason`: which one); the first is the one that
    /// ended the stream.
    func sideFinished(_ reason: StreamEndReason) {
        if firstToFinish == nil { firstToFinish = reason }
    }

    /// One end of the tunnel closed (`reason`: which one); the first call ends the stream, with
    /// the limit that closed it if one did, else with the side that finished first.
    func streamEnded(_ reason: StreamEndReason) {
        guard let stream else { return }
        self.stream = nil
        stream.end(expiredBy ?? firstToFinish ?? reason, now: wheel.now)
    }
}

@available(*, unavailable)
extension TunnelDeadlines: Sendable {}
