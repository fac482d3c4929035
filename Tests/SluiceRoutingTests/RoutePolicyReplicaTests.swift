import Testing

@testable import SluiceRouting

/// A route policy is a copy-on-write box: a copy shares it, a replica for another event loop
/// must not (its reference count would bounce between cores on every request).
@Suite struct RoutePolicyReplicaTests {
    @Test func copiesShareTheBoxReplicasDoNot() {
        let plain = RoutePolicy(readTimeout: .seconds(5))
        let copy = plain
        #expect(copy.sharesStorage(with: plain))
        let route = Route(host: .exact("a.example.com"), path: .prefix(""), backend: Backend(name: "b", endpoints: []),
                          policy: plain, source: "ns/a")
        let replica = RoutingTable(routes: [route]).replica(forLoop: 0).routes[0].policy
        #expect(replica == plain)
        #expect(!replica.sharesStorage(with: plain))
    }

    /// A policy no setting changed stays `default`'s box; each loop's replica of it is one box
    /// shared by that loop's routes (never by two loops); routes of one Ingress (one policy) share
    /// one replica per host.
    @Test func policiesAreSharedWithinALoopNeverAcrossLoops() {
        var unchanged = RoutePolicy.default
        unchanged.loadBalancing = .roundRobin
        #expect(unchanged.isSharedDefault, "a set that changes nothing keeps the shared box")
        var own = RoutePolicy.default
        own.readTimeout = .seconds(5)
        #expect(!own.isSharedDefault)

        let backend = Backend(name: "b", endpoints: [])
        let routes = (0..<3).map { Route(host: .exact("h\($0).example.com"), path: .prefix(""), backend: backend, source: "ns/a") }
            + ["/a", "/b"].map { Route(host: .exact("own.example.com"), path: .prefix($0), backend: backend, policy: own, source: "ns/own") }
        let table = RoutingTable(routes: routes)
        let (first, second) = (table.replica(forLoop: 0), table.replica(forLoop: 1))
        let defaults = first.routes.filter { $0.source == "ns/a" }.map(\.policy)
        #expect(defaults.count == 3)
        #expect(defaults.allSatisfy { $0.sharesStorage(with: defaults[0]) && !$0.sharesStorage(with: .default) })
        #expect(!second.routes.first { $0.source == "ns/a" }!.policy.sharesStorage(with: defaults[0]))
        let owned = first.routes.filter { $0.source == "ns/own" }.map(\.policy)
        #expect(owned.count == 2 && owned[0].sharesStorage(with: owned[1]) && !owned[0].sharesStorage(with: own))
        #expect(owned[0] == own && defaults[0] == .default)
    }
}
