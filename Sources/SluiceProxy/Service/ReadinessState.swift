import Atomics

/// Whether this instance should receive traffic, as reported by the admin server's `/readyz`.
///
/// Ready takes two things: a routing table is live (the composition root calls
/// ``markRoutingTableLoaded()`` after the first one is published) and the proxy accepts
/// connections (``ProxyService`` calls ``markListening()`` once every listening socket is
/// bound). They happen in either order: the table comes from a file or the API server while the
/// listener binds, and a pod reported ready before it listens would have connections refused.
/// ``ProxyService`` calls ``markNotReady()`` as the very first step of a graceful shutdown.
/// Shutting down is terminal: nothing makes the instance ready again.
public final class ReadinessState: Sendable {
    private let conditions: ManagedAtomic<UInt8>

    private static let routingTableLoaded: UInt8 = 1 << 0
    private static let listening: UInt8 = 1 << 1
    private static let shuttingDown: UInt8 = 1 << 2

    /// - Parameter initial: where to start; `.ready` has both conditions met already (for a
    ///   proxy whose table and listener are set up some other way, as in tests).
    public init(_ initial: ReadinessStatus = .waitingForRoutingTable) {
        let conditions: UInt8 = switch initial {
        case .waitingForRoutingTable: 0
        case .waitingForListener: Self.routingTableLoaded
        case .ready: Self.routingTableLoaded | Self.listening
        case .shuttingDown: Self.shuttingDown
        }
        self.conditions = ManagedAtomic(conditions)
    }

    /// The current status. Cheap: one atomic load.
    public var current: ReadinessStatus {
        let conditions = conditions.load(ordering: .acquiring)
        if conditions & Self.shuttingDown != 0 { return .shuttingDown }
        if conditions & Self.routingTableLoaded == 0 { return .waitingForRoutingTable }
        if conditions & Self.listening == 0 { return .waitingForListener }
        return .ready
    }

    public var isReady: Bool { current == .ready }

    /// A routing table is live. Ready if the proxy is listening too.
    public func markRoutingTableLoaded() {
        _ = conditions.loadThenBitwiseOr(with: Self.routingTableLoaded, ordering: .acquiringAndReleasing)
    }

    /// The proxy accepts connections. Ready if a routing table is live too.
    public func markListening() {
        _ = conditions.loadThenBitwiseOr(with: Self.listening, ordering: .acquiringAndReleasing)
    }

    /// Not ready any more because the instance is shutting down. Terminal.
    public func markNotReady() {
        _ = conditions.loadThenBitwiseOr(with: Self.shuttingDown, ordering: .acquiringAndReleasing)
    }
}

/// What ``ReadinessState`` reports: waiting (for a table, then for the listener) → ready →
/// shutting down.
public enum ReadinessStatus: Sendable, CustomStringConvertible {
    case waitingForRoutingTable
    case waitingForListener
    case ready
    case shuttingDown

    /// A one-line explanation, used as the `/readyz` body.
    public var description: String {
        switch self {
        case .waitingForRoutingTable: "not ready: no routing table loaded yet"
        case .waitingForListener: "not ready: the proxy is not listening yet"
        case .ready: "ready"
        case .shuttingDown: "not ready: shutting down"
        }
    }
}
