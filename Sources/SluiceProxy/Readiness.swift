import Atomics

/// Whether this instance should receive traffic, as reported by the admin server's `/readyz`.
///
/// Starts as ``ReadinessStatus/waitingForRoutingTable``; the composition root calls
/// ``markReady()`` once the first routing table is live, and ``ProxyService`` calls
/// ``markNotReady()`` as the very first step of a graceful shutdown. Shutting down is terminal:
/// a routing table published while draining does not make the instance ready again.
public final class ReadinessState: Sendable {
    private let status: ManagedAtomic<ReadinessStatus>

    public init(_ initial: ReadinessStatus = .waitingForRoutingTable) {
        self.status = ManagedAtomic(initial)
    }

    /// The current status. Cheap: one atomic load.
    public var current: ReadinessStatus {
        status.load(ordering: .acquiring)
    }

    public var isReady: Bool { current == .ready }

    /// Ready to serve; ignored once shutting down.
    public func markReady() {
        _ = status.compareExchange(expected: .waitingForRoutingTable, desired: .ready, ordering: .acquiringAndReleasing)
    }

    /// Not ready any more because the instance is shutting down. Terminal.
    public func markNotReady() {
        status.store(.shuttingDown, ordering: .releasing)
    }
}

/// The states ``ReadinessState`` moves through: waiting → ready → shutting down.
public enum ReadinessStatus: UInt8, AtomicValue, Sendable, CustomStringConvertible {
    case waitingForRoutingTable
    case ready
    case shuttingDown

    /// A one-line explanation, used as the `/readyz` body.
    public var description: String {
        switch self {
        case .waitingForRoutingTable: "not ready: no routing table loaded yet"
        case .ready: "ready"
        case .shuttingDown: "not ready: shutting down"
        }
    }
}
