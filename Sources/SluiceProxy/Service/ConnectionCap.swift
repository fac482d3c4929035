import Atomics
import Logging
import NIOCore

/// The global cap on open client connections (`--max-connections`), shared by every proxy
/// listener (plain and HTTPS) and every event loop: one atomic count. A connection over the cap
/// is refused as cheaply as it can be once accepted: closed before its pipeline is built or it is
/// registered, counted (`sluice_client_connections_refused_total`) and logged at most once per
/// ``logInterval``.
///
/// nginx's `worker_connections` (ingress-nginx: 16384 per worker) plays this part there; it also
/// counts upstream connections, this cap counts client connections only.
public final class ConnectionCap: Sendable {
    /// Open client connections allowed at once, on all listeners together.
    public let limit: Int
    private let open = ManagedAtomic(0)
    private let refusedTotal = ManagedAtomic(0)
    /// `refusedTotal` when the last refusal was logged, and when (uptime nanoseconds).
    private let refusedLogged = ManagedAtomic(0)
    private let lastLog = ManagedAtomic<Int64>(Int64.min)
    private let logger: Logger

    /// At most one log line per this interval, saying how many were refused since the last.
    static let logInterval = TimeAmount.seconds(10)

    public init(limit: Int, logger: Logger) {
        precondition(limit > 0, "a connection cap must allow a connection")
        self.limit = limit
        self.logger = logger
    }

    /// Client connections refused because the cap was reached, since start.
    public var refused: Int { refusedTotal.load(ordering: .relaxed) }

    /// Counts `channel` as open until it closes, or refuses it (false: the caller closes it)
    /// when `limit` connections are open already.
    func admit(_ channel: any Channel) -> Bool {
        guard open.loadThenWrappingIncrement(ordering: .relaxed) < limit else {
            open.wrappingDecrement(ordering: .relaxed)
            refusedTotal.wrappingIncrement(ordering: .relaxed)
            logRefusals()
            return false
        }
        channel.closeFuture.whenComplete { [open] _ in open.wrappingDecrement(ordering: .relaxed) }
        return true
    }

    private func logRefusals() {
        let now = NIODeadline.now().uptimeNanoseconds
        let last = lastLog.load(ordering: .relaxed)
        guard last == Int64.min || Int64(now) - last >= Self.logInterval.nanoseconds,
            lastLog.compareExchange(expected: last, desired: Int64(now), ordering: .relaxed).exchanged
        else { return }
        let total = refusedTotal.load(ordering: .relaxed)
        let since = total - refusedLogged.exchange(total, ordering: .relaxed)
        logger.warning(
            "client connections refused: --max-connections reached",
            metadata: ["limit": "\(limit)", "refused": "\(since)", "refusedTotal": "\(total)"])
    }
}
