import NIOCore
import SluiceProxy
import SluiceRouting
import SluiceTestSupport
import Testing

@Suite("Proxy quiesce")
struct ProxyQuiesceTests {
    @Test func idleConnectionClosesOnQuiesce() async throws {
        try await withProxy(upstream: .echo) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send(get("/"))
            #expect(try await client.readResponse().status == 200)
            proxy.quiesce()
            try await client.waitForClose()
        }
    }

    @Test func openEventStreamContinuesToItsEndThenCloses() async throws {
        let permits = UpstreamPermits()
        try await withProxy(upstream: .eventStream(count: 5, permits: permits)) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send(get("/events"))
            permits.grant()
            try await client.waitForText("data: event 0\n\n")
            proxy.quiesce()
            for i in 1..<5 {
                permits.grant()
                try await client.waitForText("data: event \(i)\n\n")
            }
            try await client.waitForText("\r\n0\r\n\r\n")
            try await client.waitForClose()
            let response = try await client.readResponse()
            #expect(response.bodyText.hasSuffix("data: event 4\n\n"))
        }
    }

    @Test func requestInFlightFinishesWithConnectionClose() async throws {
        let permits = UpstreamPermits()
        try await withProxy(upstream: .eventStream(count: 1, permits: permits)) { proxy, upstream in
            let client = try await proxy.connect()
            try await client.send(request("POST", "/events", body: "x"))
            // Quiesce before the response head exists: the head says Connection: close.
            try await waitUntil { upstream.acceptedConnections == 1 }
            proxy.quiesce()
            permits.grant()
            let response = try await client.readResponse()
            #expect(response.status == 200)
            try await client.waitForClose()
        }
    }
}
