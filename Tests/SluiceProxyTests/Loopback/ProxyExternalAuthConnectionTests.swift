import SluiceProxy
import SluiceRouting
import SluiceTestSupport
import Testing

/// How the proxy talks to an external auth service, over real sockets: keep-alive connections
/// from the upstream pool (counted by the connections the service accepted), their limits,
/// `https://` with verification, and the service's `Set-Cookie`s on the client's response.
@Suite("Proxy: external auth connections")
struct ProxyExternalAuthConnectionTests {
    private static func auth(
        port: Int, host: String = "127.0.0.1", tls: UpstreamTLS? = nil,
        keepAlive: ExternalAuthKeepAlive? = ExternalAuthKeepAlive(), alwaysSetCookie: Bool = false
    ) -> RoutePolicy {
        RoutePolicy(
            externalAuth: ExternalAuth(
                host: host, port: port, authority: "\(host):\(port)", target: "/auth", responseHeaders: ["x-auth-user"],
                tls: tls, keepAlive: keepAlive, alwaysSetCookie: alwaysSetCookie))
    }

    /// An auth service that answers every request on a connection it keeps open.
    private static func keepsAlive(_ status: String, _ fields: [String] = [], body: String = "") -> UpstreamBehaviour {
        .script([(["HTTP/1.1 \(status)"] + fields + ["Content-Length: \(body.utf8.count)", "", body]).joined(separator: "\r\n")])
    }

    /// `count` requests one after another on one client connection; their statuses.
    private static func statuses(_ proxy: ProxyUnderTest, count: Int) async throws -> [Int] {
        let client = try await proxy.connect()
        var statuses: [Int] = []
        for index in 0..<count {
            try await client.send(get("/\(index)"))
            statuses.append(try await client.readResponse().status)
        }
        await client.close()
        return statuses
    }

    @Test func checksShareOneKeptAliveConnection() async throws {
        try await withUpstream(Self.keepsAlive("200 OK", ["X-Auth-User: alice"], body: "ok")) { auth in
            try await withProxy(upstream: .echo, policy: Self.auth(port: auth.port)) { proxy, upstream in
                let client = try await proxy.connect()
                for index in 0..<5 {
                    try await client.send(get("/\(index)"))
                    let response = try await client.readResponse()
                    #expect(response.status == 200)
                    #expect(response.bodyText.contains("x-auth-user: alice\n"))
                }
                await client.close()
                #expect(auth.acceptedConnections == 1)
                #expect(upstream.acceptedConnections == 1)
            }
        }
    }

    @Test func authKeepaliveZeroOpensAConnectionPerCheck() async throws {
        try await withUpstream(Self.keepsAlive("200 OK")) { auth in
            try await withProxy(upstream: .echo, policy: Self.auth(port: auth.port, keepAlive: nil)) { proxy, _ in
                let statuses3 = try await Self.statuses(proxy, count: 3)
                #expect(statuses3 == [200, 200, 200])
                #expect(auth.acceptedConnections == 3)
            }
        }
    }

    @Test func aConnectionCarriesAtMostKeepaliveRequestsChecks() async throws {
        try await withUpstream(Self.keepsAlive("200 OK")) { auth in
            let policy = Self.auth(port: auth.port, keepAlive: ExternalAuthKeepAlive(maxRequests: 2))
            try await withProxy(upstream: .echo, policy: policy) { proxy, _ in
                let statuses5 = try await Self.statuses(proxy, count: 5)
                #expect(statuses5 == [200, 200, 200, 200, 200])
                #expect(auth.acceptedConnections == 3)
            }
        }
    }

    @Test func aConnectionIdleLongerThanTheKeepaliveTimeoutIsNotReused() async throws {
        try await withUpstream(Self.keepsAlive("200 OK")) { auth in
            // Long enough that two checks in a row on a machine loaded by the rest of the suite
            // still fall within it.
            let policy = Self.auth(port: auth.port, keepAlive: ExternalAuthKeepAlive(idleTimeout: .seconds(5)))
            try await withProxy(upstream: .echo, policy: policy) { proxy, _ in
                let statuses2 = try await Self.statuses(proxy, count: 2)
                #expect(statuses2 == [200, 200])
                #expect(auth.acceptedConnections == 1)
                try await Task.sleep(for: .milliseconds(6000))
                let statuses1 = try await Self.statuses(proxy, count: 1)
                #expect(statuses1 == [200])
                #expect(auth.acceptedConnections == 2)
            }
        }
    }

    /// Denials keep the connection too: a `401` with a body is read through.
    @Test func aDenialWithABodyKeepsTheConnection() async throws {
        try await withUpstream(Self.keepsAlive("401 Unauthorized", body: "who are you?")) { auth in
            try await withProxy(upstream: .echo, policy: Self.auth(port: auth.port)) { proxy, upstream in
                let statuses3 = try await Self.statuses(proxy, count: 3)
                #expect(statuses3 == [401, 401, 401])
                #expect(auth.acceptedConnections == 1)
                #expect(upstream.acceptedConnections == 0)
            }
        }
    }

    @Test func httpsVerifiedAgainstTheTrustedCAAndKeptAlive() async throws {
        let ca = try TestCertificateAuthority(commonName: "Auth CA")
        let certificate = try ca.issue(dnsNames: ["auth.example"])
        try await withUpstream(Self.keepsAlive("200 OK", ["X-Auth-User: alice"]), tls: certificate) { auth in
            let tls = UpstreamTLS(serverName: "auth.example", verify: true, trustedCertificatesPEM: ca.certificatePEM)
            try await withProxy(upstream: .echo, policy: Self.auth(port: auth.port, tls: tls)) { proxy, _ in
                let statuses3 = try await Self.statuses(proxy, count: 3)
                #expect(statuses3 == [200, 200, 200])
                #expect(auth.acceptedConnections == 1)
            }
        }
    }

    /// The default for an `https://` auth URL: verified against the system's roots, which do
    /// not sign a test certificate: `500`, never an unverified allow.
    @Test func httpsWithAnUntrustedCertificateFailsClosed() async throws {
        let certificate = try TestCertificateAuthority(commonName: "Unknown CA").issue(dnsNames: ["auth.example"])
        try await withUpstream(Self.keepsAlive("200 OK"), tls: certificate) { auth in
            let tls = UpstreamTLS(serverName: "auth.example", verify: true)
            try await withProxy(upstream: .echo, policy: Self.auth(port: auth.port, tls: tls)) { proxy, upstream in
                let statuses1 = try await Self.statuses(proxy, count: 1)
                #expect(statuses1 == [500])
                #expect(upstream.acceptedConnections == 0)
            }
        }
    }

    @Test func anAllowsCookiesReachTheClientBesideTheUpstreams() async throws {
        let upstreamAnswer = "HTTP/1.1 200 OK\r\nSet-Cookie: up=1\r\nContent-Length: 2\r\n\r\nok"
        try await withUpstream(Self.keepsAlive("202 Accepted", ["Set-Cookie: session=fresh; HttpOnly", "Set-Cookie: csrf=x"])) { auth in
            try await withProxy(upstream: .script([upstreamAnswer]), policy: Self.auth(port: auth.port)) { proxy, _ in
                let client = try await proxy.connect()
                try await client.send(get("/"))
                let response = try await client.readResponse()
                #expect(response.status == 200)
                #expect(response.headerValues("set-cookie") == ["up=1", "session=fresh; HttpOnly", "csrf=x"])
                await client.close()
            }
        }
    }

    @Test(arguments: [false, true])
    func anUpstreamErrorGetsTheAllowsCookiesOnlyWithAlwaysSetCookie(always: Bool) async throws {
        let upstreamAnswer = "HTTP/1.1 503 Service Unavailable\r\nSet-Cookie: up=1\r\nContent-Length: 0\r\n\r\n"
        try await withUpstream(Self.keepsAlive("200 OK", ["Set-Cookie: auth=1"])) { auth in
            let policy = Self.auth(port: auth.port, alwaysSetCookie: always)
            try await withProxy(upstream: .script([upstreamAnswer]), policy: policy) { proxy, _ in
                let client = try await proxy.connect()
                try await client.send(get("/"))
                let response = try await client.readResponse()
                #expect(response.status == 503)
                #expect(response.headerValues("set-cookie") == (always ? ["up=1", "auth=1"] : ["up=1"]))
                await client.close()
            }
        }
    }

    @Test(arguments: [false, true])
    func aDenialsCookiesReachTheClientOnlyWithAlwaysSetCookie(always: Bool) async throws {
        try await withUpstream(Self.keepsAlive("403 Forbidden", ["Set-Cookie: failed=1"])) { auth in
            try await withProxy(upstream: .echo, policy: Self.auth(port: auth.port, alwaysSetCookie: always)) { proxy, _ in
                let client = try await proxy.connect()
                try await client.send(get("/"))
                let response = try await client.readResponse()
                #expect(response.status == 403)
                #expect(response.headerValues("set-cookie") == (always ? ["failed=1"] : []))
                await client.close()
            }
        }
    }
}
