import Foundation
import SluiceProxy
import SluiceRouting
import SluiceTestSupport
import Testing

/// Basic auth through the real proxy, with users made by Apache's `htpasswd` and the real curl
/// (`-u`) over HTTP/1.1 and HTTP/2: the right password forwards (with its `Authorization`, as
/// ingress-nginx does), none or a wrong one gets `401` with the realm's challenge, and the backend
/// never sees a refused request.
@Suite("Proxy: basic auth")
struct ProxyBasicAuthTests {
    /// alice with bcrypt, bob with apr1, carol with SHA-1: one route's users of each kind.
    private static func policy() async throws -> RoutePolicy {
        var users: [String: PasswordHash] = [:]
        for (user, kind) in [("alice", HtpasswdTool.Kind.bcrypt), ("bob", .apr1), ("carol", .sha1)] {
            let line = try await HtpasswdTool.line(user: user, password: "\(user)-pw", kind: kind)
            users[user] = try PasswordHash.parse(String(line.dropFirst(user.count + 1))).get()
        }
        return RoutePolicy(basicAuth: BasicAuth(realm: "Staff only", users: users, secret: "default/users"))
    }

    private static func curl(_ proxy: ProxyUnderTest, http2: Bool, _ extra: [String]) async throws -> ChildProcess.Result {
        let port = http2 ? proxy.httpsPort : proxy.port
        let scheme = http2 ? "https" : "http"
        return try await CurlProcess.run(
            ["-sS", "-v", http2 ? "--http2" : "--http1.1", "-k", "--resolve", "example.com:\(port):127.0.0.1"] + extra
                + ["\(scheme)://example.com:\(port)/private"])
    }

    @Test(arguments: [false, true])
    func theRightPasswordOfEachKindForwards(http2: Bool) async throws {
        let policy = try await Self.policy()
        try await withProxy(upstream: .echo, policy: policy) { proxy, _ in
            for user in ["alice", "bob", "carol"] {
                let result = try await Self.curl(proxy, http2: http2, ["-u", "\(user):\(user)-pw", "-d", "payload"])
                #expect(result.stderr.contains(http2 ? "< HTTP/2 200" : "< HTTP/1.1 200"), "\(user): \(result.stderr)")
                let credentials = Data("\(user):\(user)-pw".utf8).base64EncodedString()
                #expect(result.stdout.contains("authorization: Basic \(credentials)\n"), "the field goes upstream")
                #expect(result.stdout.hasSuffix("payload"))
            }
        }
    }

    @Test(arguments: [false, true])
    func noOrWrongCredentialsGetTheChallenge(http2: Bool) async throws {
        let policy = try await Self.policy()
        try await withProxy(upstream: .echo, policy: policy) { proxy, upstream in
            for extra in [[], ["-u", "alice:bob-pw"], ["-u", "mallory:alice-pw"], ["-H", "Authorization: Bearer alice-pw"]] {
                let result = try await Self.curl(proxy, http2: http2, extra + ["-d", "secret body"])
                #expect(result.stderr.contains(http2 ? "< HTTP/2 401" : "< HTTP/1.1 401"), "\(extra): \(result.stderr)")
                #expect(result.stderr.lowercased().contains("< www-authenticate: basic realm=\"staff only\""), "\(result.stderr)")
            }
            #expect(upstream.acceptedConnections == 0)
        }
    }

    /// With no room for another password check on the loop, a right password that must be hashed
    /// gets `503` with `Retry-After`, never a pass; SHA-1 too (it is hashed like the others).
    @Test func noRoomForAPasswordCheckIsAnOverloadNeverAPass() async throws {
        let policy = try await Self.policy()
        var configuration = ProxyConfiguration()
        configuration.maxPasswordChecksInFlight = 0
        try await withProxy(upstream: .echo, policy: policy, configuration: configuration) { proxy, upstream in
            for user in ["alice", "carol"] {
                let result = try await Self.curl(proxy, http2: false, ["-u", "\(user):\(user)-pw"])
                #expect(result.stderr.contains("< HTTP/1.1 503"), "\(user): \(result.stderr)")
                #expect(result.stderr.lowercased().contains("< retry-after: 1"))
            }
            // No credentials are still answered at once, without a check.
            #expect(try await Self.curl(proxy, http2: false, []).stderr.contains("< HTTP/1.1 401"))
            #expect(upstream.acceptedConnections == 0)
        }
    }

    /// Keep-alive: each request is checked (a wrong password after a right one is refused), and
    /// the connection stays open across a `401`.
    @Test func everyRequestOnAConnectionIsChecked() async throws {
        let policy = try await Self.policy()
        try await withProxy(upstream: .echo, policy: policy) { proxy, _ in
            let client = try await proxy.connect()
            for (password, status) in [("alice-pw", 200), ("alice-pw", 200), ("wrong", 401), ("alice-pw", 200)] {
                let field = "Authorization: Basic " + Data("alice:\(password)".utf8).base64EncodedString()
                try await client.send(get("/private", extra: [field]))
                #expect(try await client.readResponse().status == status, "\(password)")
            }
            await client.close()
        }
    }

    /// An event stream is authorized once, at its start: its events keep coming after.
    @Test func anEventStreamIsAuthorizedOnceAtItsStart() async throws {
        var policy = try await Self.policy()
        policy.streamIdleTimeout = .seconds(30)
        let permits = UpstreamPermits()
        try await withProxy(upstream: .eventStream(count: 3, permits: permits, freeEvents: 1), policy: policy) { proxy, _ in
            let client = try await proxy.connect()
            let field = "Authorization: Basic " + Data("bob:bob-pw".utf8).base64EncodedString()
            try await client.send(get("/events", extra: [field, "Accept: text/event-stream"]))
            try await client.waitForText("event 0")
            permits.grant(2)
            try await client.waitForText("event 2")
            await client.close()
        }
    }
}
