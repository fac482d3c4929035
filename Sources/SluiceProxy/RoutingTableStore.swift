import Atomics
import Logging
import SluiceRouting

/// A routing table together with the generation number the store gave it.
public final class PublishedRoutingTable: AtomicReference, Sendable {
    public let table: RoutingTable
    /// Increases by one on every swap; 0 is the empty table the store starts with.
    public let generation: UInt64
    /// Some route compresses responses: connections accepted while this table is live get a
    /// response compressor in their pipeline (the others do not pay for one).
    let compresses: Bool

    init(table: RoutingTable, generation: UInt64) {
        self.table = table
        self.generation = generation
        self.compresses = table.routes.contains { $0.policy.compression } || table.defaultBackend?.policy.compression == true
    }
}

/// Holds the live routing table. Readers (the proxy, once per request) do one acquiring atomic
/// load and never take a lock; writers (the controller or the manifest watcher) swap in a whole
/// new table. A table equal to the current one is not swapped, so a steady cluster does not churn
/// generations.
public final class RoutingTableStore: Sendable {
    private let current: ManagedAtomic<PublishedRoutingTable>
    /// `current`'s generation, readable without retaining the table (see `LoopRoutingTable`).
    private let currentGeneration = ManagedAtomic<UInt64>(0)
    private let logger: Logger

    public init(initial: RoutingTable = .empty, logger: Logger = Logger(label: "sluice.routing")) {
        self.current = ManagedAtomic(PublishedRoutingTable(table: initial, generation: 0))
        self.logger = logger
    }

    /// The table in force now. Cheap: safe to call on every request.
    public var snapshot: PublishedRoutingTable {
        current.load(ordering: .acquiring)
    }

    /// The generation of the table in force. Set after the table itself, so a reader that sees
    /// a new generation then loads that table (or a newer one) from `snapshot`.
    public var generation: UInt64 {
        currentGeneration.load(ordering: .acquiring)
    }

    /// Publishes `table` unless it equals the current one. Returns the generation in force after
    /// the call. `translationDuration` is only logged.
    @discardableResult
    public func publish(_ table: RoutingTable, translationDuration: Duration? = nil) -> UInt64 {
        while true {
            let old = current.load(ordering: .acquiring)
            if old.table == table { return old.generation }
            let new = PublishedRoutingTable(table: table, generation: old.generation &+ 1)
            if current.compareExchange(expected: old, desired: new, ordering: .acquiringAndReleasing).exchanged {
                // Raised, not stored: a racing publish of an older generation must not lower it.
                currentGeneration.raise(to: new.generation)
                var metadata: Logger.Metadata = [
                    "generation": "\(new.generation)",
                    "routes": "\(table.routes.count)",
                ]
                if let translationDuration { metadata["translation"] = "\(translationDuration)" }
                logger.info("routing table swapped", metadata: metadata)
                return new.generation
            }
        }
    }
}
