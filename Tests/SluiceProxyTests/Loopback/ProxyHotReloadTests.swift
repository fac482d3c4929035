import SluiceProxy
import SluiceRouting
import SluiceTestSupport
import Testing

@Suite("Proxy hot reload")
struct ProxyHotReloadTests {
    /// 100 open event streams survive 100 table swaps, including tables without their route or
    /// endpoint; new requests follow each new table.
    @Test func openStreamsSurviveTableSwaps() async throws {
        let streamCount = 100
        let eventsPerStream = 5
        let permits = UpstreamPermits()
        try await withUpstream(.eventStream(count: eventsPerStream, permits: permits, freeEvents: 1)) { sse in
            try await withUpstream(.echo) { other in
                let original = table(path: "/", endpoints: [.local(sse)])
                try await withProxy(original) { proxy in
                    var clients: [TestClient] = []
                    for _ in 0..<streamCount {
                        let client = try await proxy.connect()
                        try await client.send(get("/events"))
                        clients.append(client)
                    }
                    // Every stream has its first event: all 100 are open and flowing.
                    for client in clients {
                        try await client.waitForText("data: event 0\n\n")
                    }

                    let withoutRoute = RoutingTable(routes: [])
                    let otherEndpoint = table(path: "/", endpoints: [.local(other)], backend: "default/other:80")
                    let withoutEndpoints = table(path: "/", endpoints: [])
                    for swap in 0..<100 {
                        switch swap % 4 {
                        case 0: proxy.store.publish(withoutRoute)
                        case 1: proxy.store.publish(otherEndpoint)
                        case 2: proxy.store.publish(withoutEndpoints)
                        default: proxy.store.publish(table(path: "/v\(swap)", endpoints: [.local(other)]))
                        }
                    }
                    proxy.store.publish(withoutRoute)

                    // New requests follow the new tables.
                    let probe = try await proxy.connect()
                    try await probe.send(get("/events"))
                    #expect(try await probe.readResponse().status == 404)
                    proxy.store.publish(otherEndpoint)
                    try await probe.send(get("/events"))
                    let moved = try await probe.readResponse()
                    #expect(moved.status == 200)
                    #expect(moved.header("x-upstream-port") == String(other.port))
                    proxy.store.publish(withoutEndpoints)
                    try await probe.send(get("/events"))
                    #expect(try await probe.readResponse().status == 503)

                    // The streams in flight still reach their original upstream and finish intact.
                    permits.open()
                    for client in clients {
                        try await client.waitForText("\r\n0\r\n\r\n")
                        let response = try await client.readResponse()
                        #expect(response.status == 200)
                        let expected = (0..<eventsPerStream).map { "id: \($0)\ndata: event \($0)\n\n" }.joined()
                        #expect(response.bodyText == expected)
                        #expect(response.header("x-upstream-port") == String(sse.port))
                    }
                    #expect(sse.acceptedConnections == streamCount)
                }
            }
        }
    }
}
