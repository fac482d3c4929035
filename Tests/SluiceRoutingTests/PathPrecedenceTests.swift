import SluiceRouting
import Testing

@Suite("Path precedence and case")
struct PathPrecedenceTests {
    @Test func longerPrefixWinsRegardlessOfOrder() {
        for paths in [["/aaa", "/aaa/bbb"], ["/aaa/bbb", "/aaa"]] {
            let table = Fixture.table(paths: paths)
            #expect(table.match(host: "h", path: "/aaa/bbb/x")?.backend.name == "/aaa/bbb")
            #expect(table.match(host: "h", path: "/aaa/x")?.backend.name == "/aaa")
        }
    }

    @Test func prefixIsNotAStringPrefix() {
        let table = Fixture.table(paths: ["/aaa"])
        #expect(table.match(host: "h", path: "/aaaccc") == nil)
        #expect(table.match(host: "h", path: "/aaa") != nil)
    }

    @Test func exactTrailingSlashIsDistinct() {
        let table = Fixture.table(paths: ["=/foo/"])
        #expect(table.match(host: "h", path: "/foo/")?.backend.name == "=/foo/")
        #expect(table.match(host: "h", path: "/foo") == nil)
    }

    @Test func pathsAreCaseSensitive() {
        let table = Fixture.table(paths: ["/foo", "=/bar"])
        #expect(table.match(host: "h", path: "/FOO") == nil)
        #expect(table.match(host: "h", path: "/Bar") == nil)
    }

    @Test func precedesOrdersLongerThenExact() {
        #expect(PathMatch.precedes(.prefix("/aaa/bbb"), .prefix("/aaa")))
        #expect(PathMatch.precedes(.exact("/foo"), .prefix("/foo")))
        #expect(!PathMatch.precedes(.prefix("/foo"), .exact("/foo")))
    }

    @Test func prefixFromIngressPathDropsTrailingSlashes() {
        #expect(PathMatch.prefix(ingressPath: "/aaa/bbb/") == .prefix("/aaa/bbb"))
        #expect(PathMatch.prefix(ingressPath: "/") == .prefix(""))
        #expect(PathMatch.prefix(ingressPath: "/") .text == "/")
    }
}
