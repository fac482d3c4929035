import SluiceProxy
import SluiceRouting
import Testing

@Suite("Routing table store")
struct RoutingTableStoreTests {
    private static func table(_ path: String) -> RoutingTable {
        RoutingTable(routes: [
            Route(host: .any, path: .prefix(ingressPath: path), backend: Backend(name: "ns/svc:80", endpoints: []), source: "ns/ing")
        ])
    }

    @Test func startsAtGenerationZeroWithTheInitialTable() {
        let store = RoutingTableStore()
        #expect(store.snapshot.generation == 0)
        #expect(store.snapshot.table == .empty)
    }

    @Test func anEqualTableIsNotSwapped() {
        let store = RoutingTableStore()
        #expect(store.publish(Self.table("/a")) == 1)
        let before = store.snapshot
        #expect(store.publish(Self.table("/a")) == 1)
        #expect(store.snapshot === before, "the same published object stays in force")
        #expect(store.publish(Self.table("/b")) == 2)
        #expect(store.snapshot.table == Self.table("/b"))
    }

    @Test func concurrentPublishersEachGetTheirOwnGeneration() async {
        let store = RoutingTableStore()
        let generations = await withTaskGroup(of: UInt64.self) { group in
            for i in 0..<200 {
                group.addTask { store.publish(Self.table("/p\(i)")) }
            }
            return await group.reduce(into: [UInt64]()) { $0.append($1) }
        }
        #expect(Set(generations).count == 200, "no two swaps share a generation")
        #expect(store.snapshot.generation == 200)
    }
}

@Suite("Routing table store generation")
struct RoutingTableStoreGenerationTests {
    private static func table(_ path: String) -> RoutingTable {
        RoutingTable(routes: [
            Route(host: .any, path: .prefix(ingressPath: path), backend: Backend(name: "ns/svc:80", endpoints: []), source: "ns/ing")
        ])
    }

    /// Event loops compare `generation` to decide whether to take a new replica: after racing
    /// publishers it must name the table in force, never an older one.
    @Test func generationNamesTheTableInForceAfterRacingPublishes() async {
        let store = RoutingTableStore()
        #expect(store.generation == 0)
        await withTaskGroup(of: Void.self) { group in
            for i in 0..<200 {
                group.addTask { store.publish(Self.table("/p\(i)")) }
            }
        }
        #expect(store.generation == store.snapshot.generation)
        #expect(store.generation == 200)
        store.publish(Self.table("/p0"))
        #expect(store.generation == 201)
    }
}
