import SluiceProxy
import SluiceRouting
import SluiceTestSupport
import Testing

/// External auth through the real proxy, with an auth service on loopback scripted to answer:
/// a `2xx` forwards (with the listed fields), `401`/`403` answer the client, anything else, a
/// silent or an unreachable service `500`, and the backend never sees a refused request.
@Suite("Proxy: external auth")
struct ProxyExternalAuthTests {
    private static func policy(port: Int, signin: String? = nil, readTimeout: Duration = .seconds(60)) -> RoutePolicy {
        RoutePolicy(
            readTimeout: readTimeout,
            externalAuth: ExternalAuth(
                host: "127.0.0.1", port: port, authority: "127.0.0.1:\(port)", target: "/auth", signin: signin,
                responseHeaders: ["x-auth-user"]))
    }

    private static func answer(_ status: String, _ fields: [String] = []) -> UpstreamBehaviour {
        .answerAtHead((["HTTP/1.1 \(status)"] + fields + ["Content-Length: 0", "", ""]).joined(separator: "\r\n"), thenClose: true)
    }

    @Test func aTwoHundredForwardsWithTheAuthServicesFields() async throws {
        try await withUpstream(Self.answer("200 OK", ["X-Auth-User: alice"])) { auth in
            try await withProxy(upstream: .echo, policy: Self.policy(port: auth.port)) { proxy, upstream in
                let client = try await proxy.connect()
                try await client.send(request("POST", "/save", extra: ["X-Auth-User: mallory"], body: "hello"))
                let response = try await client.readResponse()
                #expect(response.status == 200)
                #expect(response.bodyText.contains("x-auth-user: alice\n"))
                #expect(!response.bodyText.contains("mallory"))
                #expect(response.bodyText.hasSuffix("\nhello"))
                try await client.send(get("/again"))
                #expect(try await client.readResponse().status == 200)
                #expect(auth.acceptedConnections == 2)
                await client.close()
            }
        }
    }

    @Test(arguments: [
        ("401 Unauthorized", 401), ("403 Forbidden", 403), ("500 Internal Server Error", 500), ("302 Found", 500),
        ("404 Not Found", 500),
    ])
    func anythingElseNeverReachesTheBackend(answer: String, status: Int) async throws {
        try await withUpstream(Self.answer(answer, ["WWW-Authenticate: Basic realm=\"x\"", "Location: /elsewhere"])) { auth in
            try await withProxy(upstream: .echo, policy: Self.policy(port: auth.port)) { proxy, upstream in
                let client = try await proxy.connect()
                try await client.send(request("POST", "/save", body: "secret"))
                let response = try await client.readResponse()
                #expect(response.status == status)
                #expect(response.header("www-authenticate") == (status == 401 ? "Basic realm=\"x\"" : nil))
                #expect(upstream.acceptedConnections == 0)
                await client.close()
            }
        }
    }

    @Test func aFourOhOneWithSignInRedirects() async throws {
        try await withUpstream(Self.answer("401 Unauthorized")) { auth in
            let policy = Self.policy(port: auth.port, signin: "https://$host/oauth2/start?rd=$escaped_request_uri")
            try await withProxy(upstream: .echo, policy: policy) { proxy, upstream in
                let client = try await proxy.connect()
                try await client.send(get("/app?x=1"))
                let response = try await client.readResponse()
                #expect(response.status == 302)
                #expect(response.header("location") == "https://example.com/oauth2/start?rd=%2Fapp%3Fx%3D1")
                #expect(upstream.acceptedConnections == 0)
                await client.close()
            }
        }
    }

    @Test func aSilentAuthServiceTimesOutClosed() async throws {
        try await withUpstream(.silent) { auth in
            try await withProxy(upstream: .echo, policy: Self.policy(port: auth.port, readTimeout: .milliseconds(300))) { proxy, upstream in
                let client = try await proxy.connect()
                try await client.send(get("/"))
                #expect(try await client.readResponse().status == 500)
                #expect(upstream.acceptedConnections == 0)
                await client.close()
            }
        }
    }

    @Test func anUnreachableAuthServiceFailsClosed() async throws {
        let refused = try await refusedEndpoint()
        try await withProxy(upstream: .echo, policy: Self.policy(port: refused.port)) { proxy, upstream in
            let client = try await proxy.connect()
            try await client.send(get("/"))
            #expect(try await client.readResponse().status == 500)
            #expect(upstream.acceptedConnections == 0)
            await client.close()
        }
    }

    @Test func anEventStreamIsAuthorizedOnceAtItsStart() async throws {
        try await withUpstream(Self.answer("200 OK")) { auth in
            let stream = UpstreamBehaviour.eventStream(count: 3, permits: UpstreamPermits(), freeEvents: 3)
            try await withProxy(upstream: stream, policy: Self.policy(port: auth.port)) { proxy, _ in
                let client = try await proxy.connect()
                try await client.send(get("/events", extra: ["Accept: text/event-stream"]))
                let response = try await client.readResponse()
                #expect(response.status == 200)
                #expect(response.header("content-type")?.hasPrefix("text/event-stream") == true)
                #expect(auth.acceptedConnections == 1)
                await client.close()
            }
        }
    }

    /// Over HTTP/2 (`curl --http2` to the TLS port): allowed with the auth service's field, and
    /// a `401` with its challenge; `X-Original-URL` is `https://`.
    @Test func overHTTP2() async throws {
        try await withUpstream(Self.answer("200 OK", ["X-Auth-User: alice"])) { auth in
            try await withProxy(upstream: .echo, policy: Self.policy(port: auth.port)) { proxy, _ in
                let result = try await CurlProcess.run([
                    "-sS", "-v", "--http2", "-k", "--resolve", "example.com:\(proxy.httpsPort):127.0.0.1",
                    "-d", "payload", "https://example.com:\(proxy.httpsPort)/h2",
                ])
                #expect(result.stderr.contains("< HTTP/2 200"), "\(result.stderr)")
                #expect(result.stdout.hasPrefix("POST /h2 HTTP/1.1"), "\(result.stdout)")
                #expect(result.stdout.contains("x-auth-user: alice"))
                #expect(result.stdout.hasSuffix("payload"))
                #expect(auth.acceptedConnections == 1)
            }
        }
        try await withUpstream(Self.answer("401 Unauthorized", ["WWW-Authenticate: Bearer"])) { auth in
            try await withProxy(upstream: .echo, policy: Self.policy(port: auth.port)) { proxy, upstream in
                let result = try await CurlProcess.run([
                    "-sS", "-v", "--http2", "-k", "--resolve", "example.com:\(proxy.httpsPort):127.0.0.1",
                    "https://example.com:\(proxy.httpsPort)/h2",
                ])
                #expect(result.stderr.contains("< HTTP/2 401"), "\(result.stderr)")
                #expect(result.stderr.lowercased().contains("< www-authenticate: bearer"))
                #expect(upstream.acceptedConnections == 0)
            }
        }
    }

    /// With `auth-cache-key: $http_authorization`, an allow is asked once per key while it lasts.
    @Test func allowsAreCachedByTheirKey() async throws {
        try await withUpstream(Self.answer("200 OK", ["X-Auth-User: alice"])) { auth in
            var policy = Self.policy(port: auth.port)
            policy.externalAuth?.cache = AuthCachePolicy(
                key: RequestKeyPart.parse("$http_authorization").parts, statuses: [200], duration: .seconds(60))
            try await withProxy(upstream: .echo, policy: policy) { proxy, _ in
                let client = try await proxy.connect()
                for token in ["a", "a", "b", "a"] {
                    try await client.send(get("/", extra: ["Authorization: Bearer \(token)"]))
                    let response = try await client.readResponse()
                    #expect(response.status == 200)
                    #expect(response.bodyText.contains("x-auth-user: alice\n"), "the cached allow copies its fields too")
                }
                #expect(auth.acceptedConnections == 2)
                await client.close()
            }
        }
    }
}
