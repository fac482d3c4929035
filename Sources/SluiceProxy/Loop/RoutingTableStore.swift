import Atomics
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import SluiceRouting

/// A routing table together with the generation number the store gave it.
public final class PublishedRoutingTable: AtomicReference, Sendable {
    public let table: RoutingTable
    /// Increases by one on every swap; 0 is the empty table the store starts with.
    public let generation: UInt64
    /// Copies of `table` (`RoutingTable.replica(forLoop:)`), one per event loop, made by the
    /// publisher so that no event loop stops serving to copy a table. A table's hosts keep their
    /// replicas, so a table that shares hosts with the previous one copies only its new hosts.
    private let replicas: [RoutingTable]

    init(table: RoutingTable, generation: UInt64, replicaCount: Int) {
        self.table = table
        self.generation = generation
        self.replicas = (0..<replicaCount).map { table.replica(forLoop: $0) }
    }

    /// The replica made for event loop `index`; one made now when the store was told of fewer
    /// loops.
    func replica(for index: Int) -> RoutingTable {
        replicas.indices.contains(index) ? replicas[index] : table.replica(forLoop: index)
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
    private let replicaCount: Int
    /// Written on every publish (a few a second at most), read by scrapes.
    private let history = NIOLockedValueBox(PublishHistory())

    /// - Parameter replicaCount: how many event loops route with this store's tables (the
    ///   proxy's event loop group); each published table comes with that many replicas.
    public init(initial: RoutingTable = .empty, replicaCount: Int = 0, logger: Logger = Logger(label: "sluice.routing")) {
        self.current = ManagedAtomic(PublishedRoutingTable(table: initial, generation: 0, replicaCount: replicaCount))
        self.replicaCount = replicaCount
        self.logger = logger
    }

    /// A store whose tables come with a replica for each event loop of `group`, the group the
    /// proxy that routes with it runs on.
    public convenience init(
        initial: RoutingTable = .empty, replicasFor group: any EventLoopGroup,
        logger: Logger = Logger(label: "sluice.routing")
    ) {
        self.init(initial: initial, replicaCount: Array(group.makeIterator()).count, logger: logger)
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

    /// The last swap's time and the translation durations, for `/metrics`.
    var publishHistory: PublishHistory {
        history.withLockedValue { $0 }
    }

    /// Publishes `table` unless it equals the current one. Returns the generation in force after
    /// the call. `translationDuration`, the time translation took to make `table`, is logged and
    /// counted in `sluice_translation_duration_seconds`.
    @discardableResult
    public func publish(_ table: RoutingTable, translationDuration: Duration? = nil) -> UInt64 {
        if let translationDuration { history.withLockedValue { $0.translated(in: translationDuration) } }
        while true {
            let old = current.load(ordering: .acquiring)
            if old.table == table { return old.generation }
            let new = PublishedRoutingTable(table: table, generation: old.generation &+ 1, replicaCount: replicaCount)
            if current.compareExchange(expected: old, desired: new, ordering: .acquiringAndReleasing).exchanged {
                // Raised, not stored: a racing publish of an older generation must not lower it.
                currentGeneration.raise(to: new.generation)
                let now = Int64((Date().timeIntervalSince1970 * 1e9).rounded())
                history.withLockedValue { $0.lastSwapUnixNanoseconds = max($0.lastSwapUnixNanoseconds ?? 0, now) }
                var metadata: Logger.Metadata = [
                    "generation": "\(new.generation)",
                    "routes": "\(table.routeCount)",
                ]
                if let translationDuration { metadata["translation"] = "\(translationDuration)" }
                logger.info("routing table swapped", metadata: metadata)
                return new.generation
            }
        }
    }
}
