import NIOCore
import SluiceProxy
import SluiceRouting
import SluiceTestSupport
import Testing

@Suite("Proxy quiesce")
struct ProxyQuiesceTests {
    @Test func idleConnectionClosesOnQuiesce() async throws {
        let upstream = try await UpstreamServer.start(.echo)
        let proxy = try await ProxyUnderTest.start(table(endpoints: [.local(upstream)]))
        defer { Task { await proxy.stop(); await upstream.stop() } }

        let client = try await proxy.connect()
        try await client.send(get("/"))
        #expect(try await client.readResponse().status == 200)
        proxy.quiesce()
        try await client.waitForClose()
    }

    @Test func openEventStreamContinuesToItsEndThenCloses() async throws {
        let permits = UpstreamPermits()
        let upstream = try await UpstreamServer.start(.eventStream(count: 5, permits: permits))
        let proxy = try await ProxyUnderTest.start(table(endpoints: [.local(upstream)]))
        defer { Task { await proxy.stop(); await upstream.stop() } }

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

    @Test func requestInFlightFinishesWithConnectionClose() async throws {
        let permits = UpstreamPermits()
        let upstream = try await UpstreamServer.start(.eventStream(count: 1, permits: permits))
        let proxy = try await ProxyUnderTest.start(table(endpoints: [.local(upstream)]))
        defer { Task { await proxy.stop(); await upstream.stop() } }

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
