import SluiceRouting
import SluiceTestSupport
import Testing

@testable import SluiceProxy

/// Load balancing over real sockets: `least_streams` sends new streams away from an endpoint
/// holding many, with counts that survive table swaps and drop as streams end; consistent
/// hashing sends one header value to one upstream; round-robin still takes turns.
@Suite("Proxy load balancing")
struct ProxyLoadBalancingTests {
    /// Opens an event stream through `proxy` and waits for its first event; returns the client
    /// (the stream stays open: the upstream's later events wait for permits never granted) and
    /// the port of the upstream that serves it.
    private static func openStream(_ proxy: ProxyUnderTest) async throws -> (client: TestClient, port: Int) {
        let client = try await proxy.connect()
        try await client.send(get("/events"))
        try await client.waitForText("data: event 0\n\n")
        return (client, try #require(upstreamPort(in: client.receivedText)))
    }

    private static func upstreamPort(in text: String) -> Int? {
        for line in text.split(separator: "\r\n") where line.lowercased().hasPrefix("x-upstream-port:") {
            return Int(line.dropFirst("x-upstream-port:".count).drop { $0 == " " })
        }
        return nil
    }

    /// Waits until the proxy counts `count` requests in flight to `endpoint`.
    private static func waitForInFlight(_ count: Int, to endpoint: Endpoint, in proxy: ProxyUnderTest) async throws {
        let loads = proxy.dataPlane.endpointLoads
        try await withTimeout {
            while loads.inFlight(to: endpoint) != count { try await Task.sleep(for: .milliseconds(5)) }
        }
    }

    /// Three endpoints, one already holding 50 open streams: the next 60 go to the other two,
    /// evenly. A table that adds a fourth keeps the counts, so the next 30 go to the new one;
    /// when the 50 end, the first endpoint is the emptiest again.
    @Test func leastStreamsSendsNewStreamsAwayFromABusyEndpoint() async throws {
        let permits = UpstreamPermits()
        let behaviour = UpstreamBehaviour.eventStream(count: 2, permits: permits, freeEvents: 1)
        try await withUpstream(behaviour) { busy in
            try await withUpstream(behaviour) { second in
                try await withUpstream(behaviour) { third in
                    try await withUpstream(behaviour) { fourth in
                        let policy = RoutePolicy(loadBalancing: .leastStreams)
                        let (busyEndpoint, secondEndpoint, thirdEndpoint) = (Endpoint.local(busy), Endpoint.local(second), Endpoint.local(third))
                        try await withProxy(table(endpoints: [busyEndpoint], policy: policy)) { proxy in
                            var held: [TestClient] = []
                            for _ in 0..<50 { held.append(try await Self.openStream(proxy).client) }
                            #expect(proxy.dataPlane.endpointLoads.inFlight(to: busyEndpoint) == 50)

                            proxy.store.publish(table(endpoints: [busyEndpoint, secondEndpoint, thirdEndpoint], policy: policy))
                            var ports: [Int: Int] = [:]
                            var others: [TestClient] = []
                            for _ in 0..<60 {
                                let (client, port) = try await Self.openStream(proxy)
                                ports[port, default: 0] += 1
                                others.append(client)
                            }
                            #expect(ports == [second.port: 30, third.port: 30])

                            proxy.store.publish(
                                table(endpoints: [busyEndpoint, secondEndpoint, thirdEndpoint, .local(fourth)], policy: policy))
                            for _ in 0..<30 {
                                let (client, port) = try await Self.openStream(proxy)
                                #expect(port == fourth.port)
                                others.append(client)
                            }

                            for client in held { await client.close() }
                            try await Self.waitForInFlight(0, to: busyEndpoint, in: proxy)
                            for _ in 0..<20 {
                                let (client, port) = try await Self.openStream(proxy)
                                #expect(port == busy.port)
                                others.append(client)
                            }
                            permits.open()
                            for client in others { await client.close() }
                            try await Self.waitForInFlight(0, to: secondEndpoint, in: proxy)
                        }
                    }
                }
            }
        }
    }

    /// A WebSocket tunnel counts among its endpoint's requests in flight for as long as it is
    /// open, after its exchange has ended.
    @Test func anOpenTunnelCountsUntilItCloses() async throws {
        try await withProxy(upstream: .webSocketEcho, policy: RoutePolicy(loadBalancing: .leastStreams)) { proxy, upstream in
            let client = try await proxy.connect()
            try await client.send(webSocketUpgradeRequest())
            #expect(try await client.readResponse(headRequest: true).status == 101)
            // A frame there and back: the tunnel carries it, the exchange is long gone.
            try await client.send(TestClientWebSocketFrame(opcode: TestClientWebSocketFrame.text, payload: Array("hi".utf8)).encodedMasked())
            #expect(try await client.readWebSocketFrame().payload == Array("hi".utf8))
            #expect(proxy.dataPlane.endpointLoads.inFlight(to: .local(upstream)) == 1)
            await client.close()
            try await Self.waitForInFlight(0, to: .local(upstream), in: proxy)
        }
    }

    /// `upstream-hash-by: $http_x_user` over three upstreams: every request of one user reaches
    /// one upstream, and the users spread over more than one.
    @Test func oneHeaderValueAlwaysReachesOneUpstream() async throws {
        try await withUpstream(.echo) { first in
            try await withUpstream(.echo) { second in
                try await withUpstream(.echo) { third in
                    let policy = RoutePolicy(loadBalancing: .hash(RequestKeyPart.parse("$http_x_user").parts))
                    let routes = table(endpoints: [.local(first), .local(second), .local(third)], policy: policy)
                    try await withProxy(routes) { proxy in
                        var upstreamOf: [String: String] = [:]
                        for round in 0..<5 {
                            // A new connection each round: the choice is the key's, not the connection's.
                            let client = try await proxy.connect()
                            for user in 0..<30 {
                                try await client.send(get("/", extra: ["X-User: user-\(user)"]))
                                let response = try await client.readResponse()
                                #expect(response.status == 200)
                                let port = try #require(response.header("x-upstream-port"))
                                if round == 0 {
                                    upstreamOf["user-\(user)"] = port
                                } else {
                                    #expect(upstreamOf["user-\(user)"] == port, "user-\(user) moved")
                                }
                            }
                            await client.close()
                        }
                        #expect(Set(upstreamOf.values).count > 1)
                    }
                }
            }
        }
    }

    /// Requests without the key's header (every variable empty) take turns, as round-robin.
    @Test func requestsWithoutTheKeyTakeTurns() async throws {
        try await withUpstream(.echo) { first in
            try await withUpstream(.echo) { second in
                let policy = RoutePolicy(loadBalancing: .hash(RequestKeyPart.parse("$http_x_user").parts))
                try await withProxy(table(endpoints: [.local(first), .local(second)], policy: policy)) { proxy in
                    let client = try await proxy.connect()
                    var ports: [String] = []
                    for _ in 0..<4 {
                        try await client.send(get("/"))
                        ports.append(try #require(try await client.readResponse().header("x-upstream-port")))
                    }
                    #expect(Set(ports).count == 2)
                    #expect(ports[0] != ports[1] && ports[1] != ports[2])
                }
            }
        }
    }
}
