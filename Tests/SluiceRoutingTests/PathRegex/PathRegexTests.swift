import SluiceRouting
import Testing

/// Path patterns as ingress-nginx users write them: anchored at the start only,
/// case-insensitive, captures as PCRE reports them, and refusals for what would need
/// backtracking.
@Suite("PathRegex")
struct PathRegexTests {
    private static func groups(_ pattern: String, _ path: String) throws -> [String?]? {
        try PathRegex(pattern).captures(in: path[...])?.map { $0.map(String.init) }
    }

    @Test(arguments: [
        ("/api(/|$)(.*)", "/api", true), ("/api(/|$)(.*)", "/api/", true), ("/api(/|$)(.*)", "/api/users/7", true),
        ("/api(/|$)(.*)", "/apix", false), ("/api(/|$)(.*)", "/API/Users", true), ("/api(/|$)(.*)", "/v1/api", false),
        ("/foo", "/foobar", true), ("/foo$", "/foobar", false), ("/foo/.*", "/foo/", true), ("/.*", "/", true),
        ("/v[0-9]{1,2}/", "/v12/", true), ("/v[0-9]{1,2}/", "/v123/", false), ("/x{2}", "/xx", true), ("/x{2}", "/x", false),
        ("/[^/]+/edit", "/post-1/edit", true), ("/[^/]+/edit", "/a/b/edit", false), ("/\\d+", "/42", true), ("/\\d+", "/x", false),
        ("/a|/b", "/b", true), ("/(?:a|b)c", "/bc", true), ("/files/.+\\.png", "/files/x.PNG", true), ("/{x", "/{x", true),
    ])
    func matching(pattern: String, path: String, matches: Bool) throws {
        #expect(try PathRegex(pattern).matches(path[...]) == matches)
    }

    @Test func caseSensitivityIsAChoice() throws {
        #expect(try !PathRegex("/api", caseInsensitive: false).matches("/API"))
        #expect(try PathRegex("(?i)/api", caseInsensitive: false).matches("/API"))
    }

    /// ingress-nginx's rewrite documentation: `/something(/|$)(.*)` with `rewrite-target: /$2`.
    @Test func capturesOfTheRewriteExample() throws {
        #expect(try Self.groups("/something(/|$)(.*)", "/something") == ["/something", "", ""])
        #expect(try Self.groups("/something(/|$)(.*)", "/something/") == ["/something/", "/", ""])
        #expect(try Self.groups("/something(/|$)(.*)", "/something/new") == ["/something/new", "/", "new"])
        #expect(try Self.groups("/something(/|$)(.*)", "/other") == nil)
    }

    @Test func capturesFollowPCREPriorities() throws {
        #expect(try Self.groups("/(.*)/(.*)", "/a/b/c") == ["/a/b/c", "a/b", "c"])
        #expect(try Self.groups("/(.*?)/(.*)", "/a/b/c") == ["/a/b/c", "a", "b/c"])
        #expect(try Self.groups("/(a|ab)(c|bcd)", "/abcd") == ["/abcd", "a", "bcd"])
        #expect(try Self.groups("/(x)?(y)", "/y") == ["/y", nil, "y"])
        #expect(try Self.groups("/(?<name>[a-z]+)-(\\d+)", "/item-12/rest") == ["/item-12", "item", "12"])
        #expect(try PathRegex("/(a)(b)(?:c)").captureCount == 2)
    }

    @Test(arguments: [
        "(a)\\1", "/(?=a)", "/(?!a)", "/(?<=a)b", "/(?>a)", "/a++", "/(", "/)", "/[a", "/a{1000}", "/((a{100}){100})",
        "/\\bword", "*", "/a**", "/[[:alpha:]]", "/\\q", "/a{3,1}", String(repeating: "a", count: 1025),
    ])
    func refusals(pattern: String) {
        #expect(throws: PathRegexError.self) { try PathRegex(pattern) }
    }

    /// A pattern that takes a backtracking engine exponential time on a non-matching path; the
    /// automaton answers in one pass.
    @Test func catastrophicPatternsRunInOnePass() throws {
        let path = "/" + String(repeating: "a", count: 20_000) + "!"
        #expect(try !PathRegex("/(a+)+$").matches(path[...]))
        #expect(try !PathRegex("/(a|aa)*$").matches(path[...]))
        #expect(try PathRegex("/(a|aa)*").captures(in: path[...])?.first??.count == 20_001)
    }
}
