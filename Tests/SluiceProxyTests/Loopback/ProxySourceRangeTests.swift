import SluiceProxy
import SluiceRouting
import SluiceTestSupport
import Testing

/// Allow and deny lists through the real proxy, judged on the client's socket address
/// (127.0.0.1 here): `403` and nothing upstream for an address kept out; served otherwise.
@Suite("Proxy: source ranges")
struct ProxySourceRangeTests {
    private static func policy(allow: [String] = [], deny: [String] = []) -> RoutePolicy {
        RoutePolicy(sourceRanges: SourceRanges(
            allow: allow.map { AddressRange(Substring($0))! }, deny: deny.map { AddressRange(Substring($0))! }))
    }

    @Test(arguments: [
        (["127.0.0.0/8"], [String](), 200), (["10.0.0.0/8", "::1"], [], 403), ([], ["127.0.0.1"], 403),
        (["127.0.0.0/8"], ["127.0.0.1/32"], 403), (["0.0.0.0/0", "::/0"], [], 200),
    ])
    func theClientsAddressDecides(allow: [String], deny: [String], status: Int) async throws {
        try await withProxy(upstream: .echo, policy: Self.policy(allow: allow, deny: deny)) { proxy, upstream in
            let client = try await proxy.connect()
            try await client.send(get("/"))
            let response = try await client.readResponse()
            #expect(response.status == status)
            if status == 403 {
                #expect(response.bodyText == "client address not allowed\n")
                #expect(upstream.acceptedConnections == 0)
            }
            await client.close()
        }
    }
}
