import SluiceRouting

/// One event loop's view of the routing table: a replica (`RoutingTable.replica()`) of the
/// store's current table, taken again when the store's generation moves.
///
/// Checking for a new table is one atomic load of a number that only a publish writes; routing
/// then works on storage no other loop touches. The first request after a publish pays for the
/// replica (proportional to the table's size).
final class LoopRoutingTable {
    private let store: RoutingTableStore
    private var generation: UInt64
    private var replica: RoutingTable
    private var replicaCompresses: Bool

    init(store: RoutingTableStore) {
        self.store = store
        let published = store.snapshot
        self.generation = published.generation
        self.replica = published.table.replica()
        self.replicaCompresses = published.compresses
    }

    /// The table in force.
    var table: RoutingTable {
        refreshIfPublished()
        return replica
    }

    /// Whether some route of the table in force compresses responses.
    var compresses: Bool {
        refreshIfPublished()
        return replicaCompresses
    }

    private func refreshIfPublished() {
        guard store.generation != generation else { return }
        let published = store.snapshot
        generation = published.generation
        replica = published.table.replica()
        replicaCompresses = published.compresses
    }
}

@available(*, unavailable)
extension LoopRoutingTable: Sendable {}
