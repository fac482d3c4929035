import SluiceRouting
import Testing

/// Every row of the Ingress spec's path matching table (DESIGN.md "Routing semantics").
/// `paths` are Ingress paths (`=` marks Exact); `expected` is the path whose route must answer,
/// or nil for no match (404 without a default backend).
struct SpecRow: CustomTestStringConvertible, Sendable {
    var paths: [String]
    var request: String
    var expected: String?

    var testDescription: String { "\(paths) ← \(request) ⇒ \(expected ?? "no match")" }
}

@Suite("Ingress spec matching table")
struct SpecMatchingTableTests {
    static let rows: [SpecRow] = [
        SpecRow(paths: ["/"], request: "/", expected: "/"),
        SpecRow(paths: ["/"], request: "/anything/at/all", expected: "/"),
        SpecRow(paths: ["=/foo"], request: "/foo", expected: "=/foo"),
        SpecRow(paths: ["=/foo"], request: "/bar", expected: nil),
        SpecRow(paths: ["=/foo"], request: "/foo/", expected: nil),
        SpecRow(paths: ["=/foo/"], request: "/foo", expected: nil),
        SpecRow(paths: ["/foo"], request: "/foo", expected: "/foo"),
        SpecRow(paths: ["/foo"], request: "/foo/", expected: "/foo"),
        SpecRow(paths: ["/foo/"], request: "/foo", expected: "/foo/"),
        SpecRow(paths: ["/foo/"], request: "/foo/", expected: "/foo/"),
        SpecRow(paths: ["/aaa/bb"], request: "/aaa/bbb", expected: nil),
        SpecRow(paths: ["/aaa/bbb"], request: "/aaa/bbb", expected: "/aaa/bbb"),
        SpecRow(paths: ["/aaa/bbb/"], request: "/aaa/bbb", expected: "/aaa/bbb/"),
        SpecRow(paths: ["/aaa/bbb"], request: "/aaa/bbb/", expected: "/aaa/bbb"),
        SpecRow(paths: ["/aaa/bbb"], request: "/aaa/bbb/ccc", expected: "/aaa/bbb"),
        SpecRow(paths: ["/aaa/bbb"], request: "/aaa/bbbxyz", expected: nil),
        SpecRow(paths: ["/", "/aaa"], request: "/aaa/ccc", expected: "/aaa"),
        SpecRow(paths: ["/", "/aaa", "/aaa/bbb"], request: "/aaa/bbb", expected: "/aaa/bbb"),
        SpecRow(paths: ["/", "/aaa", "/aaa/bbb"], request: "/ccc", expected: "/"),
        SpecRow(paths: ["/aaa"], request: "/ccc", expected: nil),
        SpecRow(paths: ["/foo", "=/foo"], request: "/foo", expected: "=/foo"),
        SpecRow(paths: ["=/foo", "/foo"], request: "/foo", expected: "=/foo"),
    ]

    @Test(arguments: rows)
    func row(_ row: SpecRow) {
        let table = Fixture.table(paths: row.paths)
        let matched = table.match(host: "example.com", path: Substring(row.request))
        #expect(matched?.backend.name == row.expected)
    }
}
