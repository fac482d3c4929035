import SluiceRouting
import Testing

@Suite("RoutingTable")
struct RoutingTableTests {
    @Test func defaultBackendCatchesUnmatchedRequests() {
        let fallback = Fixture.route(.any, .prefix(""), to: "fallback")
        let table = RoutingTable(routes: [Fixture.route(.exact("foo.com"), .prefix("/api"), to: "api")], defaultBackend: fallback)
        #expect(table.match(host: "foo.com", path: "/api/x")?.backend.name == "api")
        #expect(table.match(host: "foo.com", path: "/other")?.backend.name == "fallback")
        #expect(table.match(host: "bar.com", path: "/api")?.backend.name == "fallback")
    }

    @Test func noDefaultBackendMeans404() {
        let table = RoutingTable(routes: [Fixture.route(.exact("foo.com"), .prefix("/api"))])
        #expect(table.match(host: "foo.com", path: "/other") == nil)
        #expect(RoutingTable.empty.match(host: "foo.com", path: "/") == nil)
    }

    /// Documented behaviour: the most specific host group that exists is chosen first; a path
    /// it does not match does NOT fall through to wildcard or host-less rules (it goes to the
    /// default backend, or 404).
    @Test func noFallthroughBetweenHostGroups() {
        let table = RoutingTable(routes: [
            Fixture.route(.exact("foo.com"), .prefix("/api"), to: "exact-api"),
            Fixture.route(.wildcard(suffix: ".com"), .prefix(""), to: "wildcard-root"),
            Fixture.route(.any, .prefix(""), to: "any-root"),
        ])
        #expect(table.match(host: "foo.com", path: "/api")?.backend.name == "exact-api")
        #expect(table.match(host: "foo.com", path: "/other") == nil)
        #expect(table.match(host: "bar.com", path: "/other")?.backend.name == "wildcard-root")
        #expect(table.match(host: "bar.org", path: "/other")?.backend.name == "any-root")
    }

    @Test func duplicateRouteKeepsTheFirst() {
        let table = RoutingTable(routes: [
            Fixture.route(.exact("foo.com"), .prefix("/a"), to: "first", source: "ns/old"),
            Fixture.route(.exact("foo.com"), .prefix(ingressPath: "/a/"), to: "second", source: "ns/new"),
            Fixture.route(.exact("foo.com"), .exact("/a"), to: "exact"),
        ])
        #expect(table.routes.count == 2)
        #expect(table.match(host: "foo.com", path: "/a/b")?.backend.name == "first")
        #expect(table.match(host: "foo.com", path: "/a")?.backend.name == "exact")
    }

    @Test func tablesBuiltFromTheSameRoutesInAnyOrderAreEqual() {
        let a = Fixture.route(.exact("foo.com"), .prefix("/a"), to: "a")
        let b = Fixture.route(.any, .exact("/b"), to: "b")
        let c = Fixture.route(.wildcard(suffix: ".foo.com"), .prefix(""), to: "c")
        let one = RoutingTable(routes: [a, b, c])
        let two = RoutingTable(routes: [c, b, a])
        #expect(one == two)
        #expect(one.hashValue == two.hashValue)
        #expect(one != RoutingTable(routes: [a, b]))
        #expect(one != RoutingTable(routes: [a, b, c], defaultBackend: b))
    }

    @Test func routesAreOrderedByHostThenPrecedence() {
        let table = RoutingTable(routes: [
            Fixture.route(.any, .prefix(""), to: "any"),
            Fixture.route(.exact("foo.com"), .prefix("/a"), to: "a"),
            Fixture.route(.exact("foo.com"), .prefix("/a/b"), to: "ab"),
        ])
        #expect(table.routes.map(\.backend.name) == ["ab", "a", "any"])
    }
}
