import SluiceRouting

/// One event loop's view of the routing table: the replica (`RoutingTable.replica(forLoop:)`) the store
/// made for this loop when the current table was published, taken again when the store's
/// generation moves.
///
/// Checking for a new table is one atomic load of a number that only a publish writes; routing
/// then works on storage no other loop touches, and taking a new table is a reference copy.
final class LoopRoutingTable {
    private let store: RoutingTableStore
    /// This loop's replica among those of each published table.
    private let index: Int
    /// The generation of ``table`` as last taken.
    private(set) var generation: UInt64
    private var replica: RoutingTable

    init(store: RoutingTableStore, index: Int) {
        self.store = store
        self.index = index
        let published = store.snapshot
        self.generation = published.generation
        self.replica = published.replica(for: index)
    }

    /// The table in force.
    var table: RoutingTable {
        refreshIfPublished()
        return replica
    }

    private func refreshIfPublished() {
        guard store.generation != generation else { return }
        let published = store.snapshot
        generation = published.generation
        replica = published.replica(for: index)
    }
}

@available(*, unavailable)
extension LoopRoutingTable: Sendable {}
