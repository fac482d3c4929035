import SluiceProxy
import SluiceRouting
import SluiceTestSupport
import Testing

/// CORS through the real proxy: preflights answered by the proxy (the upstream never sees
/// them), actual requests and event streams carrying the fields, over HTTP/1.1 (TestClient,
/// curl) and HTTP/2 (curl over TLS).
@Suite("Proxy: CORS", .serialized)
struct ProxyCORSTests {
    private static let listed = RoutePolicy(cors: CORSPolicy(
        allowedOrigins: [.exact("https://app.example.com"), .subdomain(scheme: "https", suffix: "example.org", port: nil)],
        exposeHeaders: "X-Upstream-Port"))

    @Test func aPreflightIsAnsweredByTheProxy() async throws {
        try await withProxy(upstream: .echo, policy: Self.listed) { proxy, upstream in
            let client = try await proxy.connect()
            try await client.send(request("OPTIONS", "/api", extra: [
                "Origin: https://app.example.com", "Access-Control-Request-Method: PUT", "Access-Control-Request-Headers: content-type",
            ]))
            let response = try await client.readResponse()
            #expect(response.status == 204)
            #expect(response.header("access-control-allow-origin") == "https://app.example.com")
            #expect(response.header("access-control-allow-credentials") == "true")
            #expect(response.header("access-control-allow-methods") == "GET, PUT, POST, DELETE, PATCH, OPTIONS")
            #expect(response.header("access-control-max-age") == "1728000")
            #expect(response.header("vary") == "Origin")
            #expect(response.body.isEmpty)
            // The connection stays usable: the next request is proxied.
            try await client.send(get("/after"))
            #expect(try await client.readResponse().status == 200)
            #expect(upstream.acceptedConnections == 1, "only the GET reached the upstream")
            await client.close()
        }
    }

    @Test func aCrossOriginRequestGetsTheFieldsAndAnOtherOriginNone() async throws {
        try await withProxy(upstream: .echo, policy: Self.listed) { proxy, upstream in
            let client = try await proxy.connect()
            try await client.send(get("/", extra: ["Origin: https://shop.example.org"]))
            let allowed = try await client.readResponse()
            #expect(allowed.status == 200)
            #expect(allowed.header("access-control-allow-origin") == "https://shop.example.org")
            #expect(allowed.header("access-control-allow-credentials") == "true")
            #expect(allowed.header("access-control-expose-headers") == "X-Upstream-Port")
            #expect(allowed.headerValues("vary") == ["Origin"])
            #expect(allowed.bodyText.contains("origin: https://shop.example.org"), "the request itself goes on as sent")

            try await client.send(get("/", extra: ["Origin: https://evil.test"]))
            let other = try await client.readResponse()
            #expect(other.status == 200, "not an error: the browser withholds the response")
            #expect(other.header("access-control-allow-origin") == nil)
            #expect(other.header("access-control-allow-credentials") == nil)
            #expect(other.headerValues("vary") == ["Origin"])

            try await client.send(request("OPTIONS", "/", extra: ["Origin: https://evil.test", "Access-Control-Request-Method: DELETE"]))
            let refused = try await client.readResponse()
            #expect(refused.status == 204)
            #expect(refused.header("access-control-allow-origin") == nil && refused.header("access-control-allow-methods") == nil)
            #expect(upstream.acceptedConnections == 1)
            await client.close()
        }
    }

    /// With `*` and credentials on (ingress-nginx's defaults), the answer is `*` without
    /// `Access-Control-Allow-Credentials`.
    @Test func aWildcardWithCredentialsAnswersAStarAlone() async throws {
        try await withProxy(upstream: .echo, policy: RoutePolicy(cors: CORSPolicy(allowCredentials: true))) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send(get("/", extra: ["Origin: https://anyone.test"]))
            let response = try await client.readResponse()
            #expect(response.header("access-control-allow-origin") == "*")
            #expect(response.header("access-control-allow-credentials") == nil)
            #expect(response.header("vary") == nil)
            await client.close()
        }
    }

    /// An `EventSource` from another origin: the relayed stream's head carries the fields, over
    /// HTTP/1.1 and over HTTP/2.
    @Test(arguments: [false, true])
    func anEventStreamFromAnotherOriginCarriesTheFields(http2: Bool) async throws {
        let permits = UpstreamPermits()
        permits.open()
        try await withProxy(upstream: .eventStream(count: 2, permits: permits), policy: Self.listed) { proxy, _ in
            let port = http2 ? proxy.httpsPort : proxy.port
            let scheme = http2 ? "https" : "http"
            let result = try await CurlProcess.run(
                ["-i", "-N", "-sS", "--resolve", "example.com:\(port):127.0.0.1", "-H", "Origin: https://app.example.com",
                 "-H", "Accept: text/event-stream"]
                    + (http2 ? ["--http2", "-k"] : ["--http1.1"]) + ["\(scheme)://example.com:\(port)/events"])
            #expect(result.exitCode == 0, "\(result.stderr)")
            let head = result.stdout.lowercased()
            #expect(head.hasPrefix(http2 ? "http/2 200" : "http/1.1 200"), "\(result.stdout)")
            #expect(head.contains("access-control-allow-origin: https://app.example.com\r\n"), "\(result.stdout)")
            #expect(head.contains("access-control-allow-credentials: true\r\n"))
            #expect(head.contains("vary: origin\r\n"))
            #expect(result.stdout.contains("data: event 1\n"))
        }
    }

    @Test func aPreflightOverHTTP2IsAnsweredByTheProxy() async throws {
        try await withProxy(upstream: .echo, policy: Self.listed) { proxy, upstream in
            let result = try await CurlProcess.run([
                "-i", "-sS", "--http2", "-k", "--resolve", "example.com:\(proxy.httpsPort):127.0.0.1", "-X", "OPTIONS",
                "-H", "Origin: https://app.example.com", "-H", "Access-Control-Request-Method: PUT",
                "https://example.com:\(proxy.httpsPort)/api",
            ])
            #expect(result.exitCode == 0, "\(result.stderr)")
            #expect(result.stdout.hasPrefix("HTTP/2 204"), "\(result.stdout)")
            #expect(result.stdout.contains("access-control-allow-origin: https://app.example.com\r\n"))
            #expect(result.stdout.contains("access-control-max-age: 1728000\r\n"))
            #expect(upstream.acceptedConnections == 0)
        }
    }
}
