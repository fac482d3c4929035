import Foundation
import SluiceRouting
import SluiceTestSupport
import Testing

@testable import SluiceProxy

/// Sticky sessions over real sockets: a long-polling client that sends back the cookie it got
/// stays on one of three upstreams; when that upstream leaves the table it moves (a persistent
/// session with a new cookie); an added upstream takes balanced sessions, never persistent
/// ones; `change-on-failure` moves a session whose upstream refuses connections.
@Suite("Proxy sticky sessions")
struct ProxyStickySessionTests {
    private static func policy(_ mode: SessionAffinity.Mode, changeOnFailure: Bool = false) -> RoutePolicy {
        RoutePolicy(sessionAffinity: SessionAffinity(changeOnFailure: changeOnFailure, mode: mode, tokenKey: "ingress-uid"))
    }

    /// One request (with `cookie` when given): the upstream's port and the sticky cookie set, if any.
    private static func poll(_ client: TestClient, cookie: String?) async throws -> (port: String, setCookie: String?) {
        try await client.send(get("/socket.io/?EIO=4&transport=polling", extra: cookie.map { ["Cookie: other=1; INGRESSCOOKIE=\($0)"] } ?? []))
        let response = try await client.readResponse()
        #expect(response.status == 200)
        let setCookie = response.headerValues("set-cookie").first { $0.hasPrefix("INGRESSCOOKIE=") }
        return (try #require(response.header("x-upstream-port")), setCookie)
    }

    private static func value(of setCookie: String?) throws -> String {
        let field = try #require(setCookie)
        return String(field.dropFirst("INGRESSCOOKIE=".count).prefix { $0 != ";" })
    }

    @Test(arguments: [SessionAffinity.Mode.persistent, .balanced])
    func aLongPollingClientStaysOnOneUpstreamUntilItLeaves(mode: SessionAffinity.Mode) async throws {
        try await withUpstream(.echo) { first in
            try await withUpstream(.echo) { second in
                try await withUpstream(.echo) { third in
                    let upstreams = [first, second, third]
                    let policy = Self.policy(mode)
                    try await withProxy(table(endpoints: upstreams.map { .local($0) }, policy: policy)) { proxy in
                        let client = try await proxy.connect()
                        let (port, setCookie) = try await Self.poll(client, cookie: nil)
                        let cookie = try Self.value(of: setCookie)
                        #expect(setCookie?.hasSuffix("; Path=/; HttpOnly") == true)
                        #expect(!cookie.contains("127.0.0.1") && !cookie.contains(port))
                        for _ in 0..<20 {
                            let next = try await Self.poll(client, cookie: cookie)
                            #expect(next.port == port)
                            #expect(next.setCookie == nil)
                        }

                        let remaining = upstreams.filter { String($0.port) != port }
                        proxy.store.publish(table(endpoints: remaining.map { .local($0) }, policy: policy))
                        let moved = try await Self.poll(client, cookie: cookie)
                        #expect(moved.port != port)
                        var current = cookie
                        switch mode {
                        case .persistent:
                            current = try Self.value(of: moved.setCookie)
                            #expect(current != cookie)
                        case .balanced:
                            // The same key now hashes to another upstream: every replica agrees without a new cookie.
                            #expect(moved.setCookie == nil)
                        }
                        for _ in 0..<5 {
                            #expect(try await Self.poll(client, cookie: current).port == moved.port)
                        }
                        await client.close()
                    }
                }
            }
        }
    }

    /// 30 sessions over two upstreams, then a third is added: no persistent session moves, and
    /// balanced ones move to the new upstream only (none moving has a chance of (2/3)³⁰).
    @Test(arguments: [SessionAffinity.Mode.persistent, .balanced])
    func anAddedUpstreamTakesOnlyBalancedSessions(mode: SessionAffinity.Mode) async throws {
        try await withUpstream(.echo) { first in
            try await withUpstream(.echo) { second in
                try await withUpstream(.echo) { added in
                    let policy = Self.policy(mode)
                    try await withProxy(table(endpoints: [.local(first), .local(second)], policy: policy)) { proxy in
                        let client = try await proxy.connect()
                        var sessions: [(cookie: String, port: String)] = []
                        for _ in 0..<30 {
                            let (port, setCookie) = try await Self.poll(client, cookie: nil)
                            sessions.append((try Self.value(of: setCookie), port))
                        }
                        proxy.store.publish(table(endpoints: [.local(first), .local(second), .local(added)], policy: policy))
                        var moved = 0
                        for session in sessions {
                            let now = try await Self.poll(client, cookie: session.cookie)
                            #expect(now.setCookie == nil)
                            if now.port != session.port {
                                moved += 1
                                #expect(now.port == String(added.port))
                            }
                        }
                        #expect(mode == .persistent ? moved == 0 : moved > 0)
                        await client.close()
                    }
                }
            }
        }
    }

    /// A persistent cookie naming an upstream that refuses connections: the request is retried
    /// on the other; with `change-on-failure` the response names the other in a new cookie,
    /// without it the cookie is left as it was.
    @Test(arguments: [true, false])
    func aConnectFailureMovesTheSessionOnlyWithChangeOnFailure(changeOnFailure: Bool) async throws {
        let refused = try await refusedEndpoint()
        try await withUpstream(.echo) { upstream in
            let policy = Self.policy(.persistent, changeOnFailure: changeOnFailure)
            try await withProxy(table(endpoints: [refused, .local(upstream)], policy: policy)) { proxy in
                let client = try await proxy.connect()
                let (port, setCookie) = try await Self.poll(client, cookie: StickySession.token(for: refused, key: "ingress-uid"))
                #expect(port == String(upstream.port))
                if changeOnFailure {
                    #expect(try Self.value(of: setCookie) == StickySession.token(for: .local(upstream), key: "ingress-uid"))
                } else {
                    #expect(setCookie == nil)
                }
            }
        }
    }

    /// Over HTTP/2 (curl over TLS): the first response sets the cookie, `Secure` by default over
    /// HTTPS, and a request that sends it back reaches the same upstream without a new one.
    @Test func http2ClientsGetAndKeepTheCookie() async throws {
        try await withUpstream(.echo) { first in
            try await withUpstream(.echo) { second in
                let policy = Self.policy(.persistent)
                try await withProxy(table(endpoints: [.local(first), .local(second)], policy: policy)) { proxy in
                    func curl(_ extra: [String]) async throws -> (port: String?, setCookie: String?) {
                        let result = try await CurlProcess.run(
                            ["-v", "--http2", "-k", "--resolve", "example.com:\(proxy.httpsPort):127.0.0.1"] + extra
                                + ["https://example.com:\(proxy.httpsPort)/socket.io/"])
                        #expect(result.exitCode == 0, "\(result.stderr)")
                        #expect(result.stderr.contains("< HTTP/2 200"), "\(result.stderr)")
                        func field(_ name: String) -> String? {
                            result.stderr.split(whereSeparator: \.isNewline).first { $0.lowercased().hasPrefix("< \(name): ") }
                                .map { String($0.dropFirst(name.count + 4)).trimmingCharacters(in: .whitespacesAndNewlines) }
                        }
                        return (field("x-upstream-port"), field("set-cookie"))
                    }
                    let (port, setCookie) = try await curl([])
                    #expect(setCookie?.hasSuffix("; Path=/; Secure; HttpOnly") == true, "\(setCookie ?? "none")")
                    let cookie = try Self.value(of: setCookie)
                    for _ in 0..<3 {
                        let next = try await curl(["-H", "Cookie: INGRESSCOOKIE=\(cookie)"])
                        #expect(next.port == port)
                        #expect(next.setCookie == nil)
                    }
                }
            }
        }
    }
}
