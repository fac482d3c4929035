import SluiceRouting
import SluiceTestSupport
import Testing

@testable import SluiceProxy

/// Regular-expression routes and `rewrite-target` through the real proxy: the backend is asked
/// for the rewritten path with the client's query, over HTTP/1.1 and HTTP/2; routes are tried
/// longest pattern first, case-insensitively, and a path no pattern matches gets 404.
@Suite("Proxy: regex paths and rewrites")
struct ProxyRewriteTests {
    /// ingress-nginx's documentation example (`/something(/|$)(.*)` → `/$2`) beside a plain
    /// regex route of another backend.
    private static func table(rewriting: UpstreamServer, other: UpstreamServer) throws -> RoutingTable {
        RoutingTable(routes: [
            Route(
                host: .exact("example.com"), path: .regex(try PathRegex("/something(/|$)(.*)")),
                backend: Backend(name: "default/rewrite:80", endpoints: [.local(rewriting)]),
                policy: RoutePolicy(rewrite: PathRewrite(text: "/$2", parts: [.text("/"), .capture(2)]), regexPaths: true),
                source: "default/rewrite"),
            Route(
                host: .exact("example.com"), path: .regex(try PathRegex("/users/[0-9]+")),
                backend: Backend(name: "default/users:80", endpoints: [.local(other)]), source: "default/users"),
        ])
    }

    @Test func theBackendGetsTheRewrittenPathAndTheQuery() async throws {
        try await withUpstream(.echo) { rewriting in
            try await withUpstream(.echo) { other in
                try await withProxy(try Self.table(rewriting: rewriting, other: other)) { proxy in
                    let client = try await proxy.connect()
                    for (sent, expected) in [
                        ("/something", "GET / "), ("/something/", "GET / "), ("/something/new?x=1&y=2", "GET /new?x=1&y=2 "),
                        ("/SOMETHING/Deep/Path", "GET /Deep/Path "),
                    ] {
                        try await client.send(get(sent))
                        let response = try await client.readResponse()
                        #expect(response.status == 200, "\(sent)")
                        #expect(response.header("x-upstream-port") == String(rewriting.port), "\(sent)")
                        #expect(response.bodyText.hasPrefix(expected), "\(sent): \(response.bodyText.prefix(80))")
                    }
                    try await client.send(get("/users/42/profile"))
                    let users = try await client.readResponse()
                    #expect(users.header("x-upstream-port") == String(other.port))
                    #expect(users.bodyText.hasPrefix("GET /users/42/profile "), "not rewritten: \(users.bodyText.prefix(80))")
                    try await client.send(get("/somethingelse"))
                    #expect(try await client.readResponse().status == 404)
                    try await client.send(get("/users/me"))
                    #expect(try await client.readResponse().status == 404)
                    await client.close()
                }
            }
        }
    }

    @Test func http2RequestsAreRewrittenToo() async throws {
        try await withUpstream(.echo) { rewriting in
            try await withUpstream(.echo) { other in
                try await withProxy(try Self.table(rewriting: rewriting, other: other), configuration: ProxyConfiguration(h2c: true)) { proxy in
                    let result = try await CurlProcess.run([
                        "--http2-prior-knowledge", "-H", "Host: example.com", "http://127.0.0.1:\(proxy.port)/something/v2/items?page=3",
                    ])
                    #expect(result.exitCode == 0, "\(result.stderr)")
                    #expect(result.stdout.hasPrefix("GET /v2/items?page=3 "), "\(result.stdout.prefix(80))")
                }
            }
        }
    }

    @Test(arguments: [
        ("/$2", "/something/new", "q=1", "/new?q=1"), ("/$2?via=rewrite", "/something/new", "q=1", "/new?via=rewrite&q=1"),
        ("/$2?", "/something/new", "q=1", "/new"), ("$2", "/something/new", nil, "/new"), ("/a/$9/$1", "/something", nil, "/a//"),
    ] as [(String, String, String?, String)])
    func theTargetFollowsNginxRewriteRules(rewrite text: String, path: String, query: String?, expected: String) throws {
        let pattern = try PathRegex("/something(/|$)(.*)")
        var parts: [PathRewrite.Part] = []
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            if dollar > rest.startIndex { parts.append(.text(String(rest[..<dollar]))) }
            parts.append(.capture(Int(String(rest[rest.index(after: dollar)]))!))
            rest = rest[rest.index(dollar, offsetBy: 2)...]
        }
        if !rest.isEmpty { parts.append(.text(String(rest))) }
        let target = path + (query.map { "?" + $0 } ?? "")
        let rewritten = RequestDecision.rewritten(
            target, path: path[...], route: .regex(pattern), PathRewrite(text: text, parts: parts))
        #expect(rewritten == expected)
    }
}
