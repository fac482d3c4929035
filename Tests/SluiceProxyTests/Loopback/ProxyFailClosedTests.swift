import SluiceProxy
import SluiceRouting
import SluiceTestSupport
import Testing

/// A route translation refused (`RoutePolicy.refusal`: an Ingress asking for access control
/// Sluice does not have) through the real proxy: every request gets `503`, and the upstream is
/// never connected to, whatever the request (plain, with a body, a WebSocket upgrade).
@Suite("Proxy: routes that fail closed")
struct ProxyFailClosedTests {
    private static let refused = RoutePolicy(
        refusal: RouteRefusal(reason: "unsupported access-control annotations: auth-url"))

    @Test func everyRequestGets503AndTheUpstreamReceivesNothing() async throws {
        try await withProxy(upstream: .echo, policy: Self.refused) { proxy, upstream in
            let client = try await proxy.connect()
            try await client.send(get("/"))
            let plain = try await client.readResponse()
            #expect(plain.status == 503)
            #expect(plain.bodyText == """
                route of default/test refused (fails closed): unsupported access-control annotations: auth-url

                """)

            // The connection stays usable, and an upload is refused too.
            try await client.send(request("POST", "/login", body: "user=a&password=b"))
            let upload = try await client.readResponse()
            #expect(upload.status == 503)

            let upgrade = try await proxy.connect()
            try await upgrade.send(webSocketUpgradeRequest())
            #expect(try await upgrade.readResponse().status == 503)

            #expect(upstream.acceptedConnections == 0)
            await client.close()
            await upgrade.close()
        }
    }

    @Test func theSameRouteWithoutARefusalIsServed() async throws {
        try await withProxy(upstream: .echo) { proxy, upstream in
            let client = try await proxy.connect()
            try await client.send(get("/"))
            #expect(try await client.readResponse().status == 200)
            #expect(upstream.acceptedConnections == 1)
            await client.close()
        }
    }
}
