import SluiceRouting
import Testing

@Suite("Host matching")
struct HostMatchingTests {
    static let table = RoutingTable(routes: [
        Fixture.route(.exact("foo.com"), .prefix(""), to: "exact"),
        Fixture.route(HostMatch(ingressHost: "*.foo.com"), .prefix(""), to: "wildcard"),
    ])

    @Test(arguments: [
        ("bar.foo.com", "wildcard"),
        ("baz.bar.foo.com", nil),
        ("foo.com", "exact"),
        ("xfoo.com", nil),
    ] as [(String, String?)])
    func wildcardMatchesExactlyOneLabel(host: String, expected: String?) {
        #expect(Self.table.match(host: Substring(host), path: "/")?.backend.name == expected)
    }

    /// `HostMatch.matches` rejects an empty first label, but `RoutingTable.match` looks the
    /// wildcard group up by suffix without calling it, so `Host: .foo.com` reaches `*.foo.com`.
    @Test func emptyFirstLabelDoesNotMatchWildcard() {
        #expect(!HostMatch.wildcard(suffix: ".foo.com").matches(normalizedHost: ".foo.com"))
        #expect(Self.table.match(host: ".foo.com", path: "/") == nil)
    }

    @Test func wildcardAloneDoesNotMatchItsApex() {
        let table = RoutingTable(routes: [Fixture.route(HostMatch(ingressHost: "*.foo.com"), .prefix(""))])
        #expect(table.match(host: "foo.com", path: "/") == nil)
        #expect(table.match(host: "baz.bar.foo.com", path: "/") == nil)
        #expect(table.match(host: "bar.foo.com", path: "/") != nil)
    }

    @Test(arguments: ["foo.com", "FOO.com", "Foo.Com:8080", "foo.com:443", "foo.com."])
    func hostHeaderPortAndCaseIgnored(header: String) {
        #expect(Self.table.match(host: Substring(header), path: "/")?.backend.name == "exact")
    }

    @Test func ingressHostIsLowercased() {
        #expect(HostMatch(ingressHost: "Foo.COM") == .exact("foo.com"))
        #expect(HostMatch(ingressHost: "*.Foo.com") == .wildcard(suffix: ".foo.com"))
        #expect(HostMatch(ingressHost: "") == .any)
        #expect(HostMatch(ingressHost: nil) == .any)
    }

    @Test func ipv6HostHeader() {
        #expect(HostMatch.normalize(hostHeader: "[::1]:8080") == "[::1]")
        #expect(HostMatch.normalize(hostHeader: "[2001:DB8::1]") == "[2001:db8::1]")
        let table = RoutingTable(routes: [
            Fixture.route(.exact("[::1]"), .prefix(""), to: "v6"),
            Fixture.route(.any, .prefix(""), to: "any"),
        ])
        #expect(table.match(host: "[::1]:8080", path: "/x")?.backend.name == "v6")
        #expect(table.match(host: "[::2]:8080", path: "/x")?.backend.name == "any")
    }

    @Test func ruleWithoutHostMatchesAnyHost() {
        let table = Fixture.table(paths: ["/"])
        #expect(table.match(host: "whatever.example", path: "/") != nil)
        #expect(table.match(host: "", path: "/") != nil)
    }
}
