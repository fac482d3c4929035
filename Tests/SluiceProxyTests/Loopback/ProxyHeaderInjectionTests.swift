import SluiceProxy
import SluiceRouting
import SluiceTestSupport
import Testing

/// A route's own fields through the real proxy: response fields replacing the upstream's of the
/// same name, on ordinary responses and event streams; request fields replacing the client's.
@Suite("Proxy: header injection", .serialized)
struct ProxyHeaderInjectionTests {
    @Test func responseFieldsReplaceTheUpstreamsAndRequestFieldsTheClients() async throws {
        let policy = RoutePolicy(
            responseHeaders: [HeaderField(name: "X-Frame-Options", value: "DENY"), HeaderField(name: "X-Upstream-Port", value: "hidden")],
            requestHeaders: [HeaderField(name: "X-Tenant", value: "blue")])
        try await withProxy(upstream: .echo, policy: policy) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send(get("/", extra: ["X-Tenant: red", "X-Other: kept"]))
            let response = try await client.readResponse()
            #expect(response.status == 200)
            #expect(response.header("x-frame-options") == "DENY")
            #expect(response.headerValues("x-upstream-port") == ["hidden"], "the upstream's field is replaced")
            #expect(response.bodyText.contains("x-tenant: blue\n"))
            #expect(!response.bodyText.contains("x-tenant: red"), "the client's field is replaced")
            #expect(response.bodyText.contains("x-other: kept\n"))
            await client.close()
        }
    }

    @Test func anEventStreamCarriesTheRoutesFieldsOverHTTP2() async throws {
        let permits = UpstreamPermits()
        permits.open()
        let policy = RoutePolicy(responseHeaders: [HeaderField(name: "X-Content-Type-Options", value: "nosniff")])
        try await withProxy(upstream: .eventStream(count: 1, permits: permits), policy: policy) { proxy, _ in
            let result = try await CurlProcess.run([
                "-i", "-N", "-sS", "--http2", "-k", "--resolve", "example.com:\(proxy.httpsPort):127.0.0.1",
                "https://example.com:\(proxy.httpsPort)/events",
            ])
            #expect(result.exitCode == 0, "\(result.stderr)")
            #expect(result.stdout.contains("x-content-type-options: nosniff\r\n"), "\(result.stdout)")
            #expect(result.stdout.contains("data: event 0\n"))
        }
    }
}
