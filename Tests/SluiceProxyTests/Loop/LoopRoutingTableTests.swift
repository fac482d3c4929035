import SluiceRouting
import Testing

@testable import SluiceProxy

@Suite("Event loop routing tables")
struct LoopRoutingTableTests {
    /// Long enough that Swift stores it out of line, so its buffer address tells copies apart.
    private static func table(_ path: String) -> RoutingTable {
        RoutingTable(routes: [
            Route(
                host: .exact("streaming-api.long-enough-host.example.com"), path: .prefix(ingressPath: path),
                backend: Backend(name: "team-namespace/a-service-with-a-long-name:8080", endpoints: []),
                source: "team-namespace/an-ingress-with-a-long-name")
        ])
    }

    private static func address(_ table: RoutingTable) -> UnsafeRawPointer? {
        var source = table.routes[0].source
        return source.withUTF8 { UnsafeRawPointer($0.baseAddress) }
    }

    @Test func eachLoopRoutesWithTheReplicaMadeWhenTheTableWasPublished() {
        let store = RoutingTableStore(replicaCount: 2)
        let loops = [LoopRoutingTable(store: store, index: 0), LoopRoutingTable(store: store, index: 1)]
        store.publish(Self.table("/a"))

        let published = store.snapshot
        for (index, loop) in loops.enumerated() {
            #expect(loop.table == Self.table("/a"))
            // The loop's table is the publisher's copy: the loop copied nothing itself.
            #expect(Self.address(loop.table) == Self.address(published.replica(for: index)))
            #expect(Self.address(loop.table) != Self.address(published.table))
        }
        #expect(Self.address(loops[0].table) != Self.address(loops[1].table), "no storage shared between loops")

        store.publish(Self.table("/b"))
        #expect(loops.allSatisfy { $0.table == Self.table("/b") })
    }

    @Test func aLoopBeyondTheReplicaCountCopiesTheTableItself() {
        let store = RoutingTableStore(replicaCount: 1)
        let extra = LoopRoutingTable(store: store, index: 1)
        store.publish(Self.table("/a"))
        #expect(extra.table == Self.table("/a"))
        #expect(Self.address(extra.table) != Self.address(store.snapshot.table))
        #expect(Self.address(extra.table) != Self.address(store.snapshot.replica(for: 0)))
    }
}
