import SluiceProxy
import SluiceRouting
import SluiceTestSupport
import Testing

/// A route's own redirects and the fields it sets upstream (`upstream-vhost`,
/// `x-forwarded-prefix`), through the real proxy with real clients.
@Suite("Proxy: route redirects", .serialized)
struct ProxyRedirectTests {
    @Test func aRedirectIsAnsweredByTheProxyWithTheRequestsURI() async throws {
        let location = RedirectLocation(
            text: "https://new.example.com$request_uri", parts: [.text("https://new.example.com"), .requestURI])
        let policy = RoutePolicy(redirect: RouteRedirect(always: .init(status: 308, location: location)))
        try await withProxy(upstream: .echo, policy: policy) { proxy, _ in
            let result = try await CurlProcess.run([
                "-sS", "-i", "-X", "POST", "-d", "kept", "--resolve", "example.com:\(proxy.port):127.0.0.1",
                "http://example.com:\(proxy.port)/cart/items?id=7",
            ])
            #expect(result.exitCode == 0, "\(result.stderr)")
            #expect(result.stdout.hasPrefix("HTTP/1.1 308"), "\(result.stdout)")
            #expect(result.stdout.lowercased().contains("location: https://new.example.com/cart/items?id=7\r\n"), "\(result.stdout)")
            #expect(!result.stdout.contains("x-upstream-port"), "the upstream was not asked")
        }
    }

    @Test func appRootSendsSlashAwayAndServesTheRest() async throws {
        let policy = RoutePolicy(redirect: RouteRedirect(appRoot: "/app1"))
        try await withProxy(upstream: .echo, policy: policy) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send(get("/"))
            let root = try await client.readResponse()
            #expect(root.status == 302)
            #expect(root.header("location") == "/app1")
            try await client.send(get("/app1/index.html"))
            let page = try await client.readResponse()
            #expect(page.status == 200)
            #expect(page.bodyText.contains("GET /app1/index.html"), "\(page.bodyText)")
            await client.close()
        }
    }

    @Test func theBackendGetsTheVirtualHostAndThePrefix() async throws {
        let policy = RoutePolicy(requestHeaders: [
            HeaderField(name: "Host", value: "internal.example.svc:8080"), HeaderField(name: "X-Forwarded-Prefix", value: "/shop"),
        ])
        try await withProxy(upstream: .echo, policy: policy) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send(get("/", extra: ["X-Forwarded-Prefix: /client"]))
            let response = try await client.readResponse()
            #expect(response.status == 200)
            #expect(response.bodyText.contains("host: internal.example.svc:8080\n"), "\(response.bodyText)")
            let lines = response.bodyText.split(separator: "\n")
            #expect(!lines.contains("host: example.com"), "the client's Host is replaced")
            #expect(response.bodyText.contains("x-forwarded-host: example.com\n"), "\(response.bodyText)")
            #expect(response.bodyText.contains("x-forwarded-prefix: /shop\n"))
            #expect(!response.bodyText.contains("x-forwarded-prefix: /client"))
            await client.close()
        }
    }
}
