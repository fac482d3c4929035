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
}
