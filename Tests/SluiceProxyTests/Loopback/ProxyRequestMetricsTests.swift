import SluiceProxy
import SluiceRouting
import SluiceTestSupport
import Testing

/// `sluice_requests_total` and `sluice_request_duration_seconds` after scripted traffic through
/// the real proxy over real sockets: exact counts by route and labels, and a route removed from
/// the table gone from the export.
@Suite("Proxy request metrics")
struct ProxyRequestMetricsTests {
    private static func route(_ host: String, source: String, backend: String, _ endpoints: [Endpoint], policy: RoutePolicy = .default) -> Route {
        Route(
            host: HostMatch(ingressHost: host), path: .prefix(ingressPath: "/"),
            backend: Backend(name: backend, endpoints: endpoints), policy: policy, source: source)
    }

    @Test func scriptedTrafficIsCountedByRouteMethodStatusAndProtocol() async throws {
        let refused = try await refusedEndpoint()
        try await withUpstream(.echo) { echo in
            try await withUpstream(.script(Self.eventStream, freePieces: Self.eventStream.count)) { events in
                try await withUpstream(.webSocketEcho) { sockets in
                    try await withUpstream(.silent) { silent in
                        let kept = [
                            Self.route("api.test", source: "shop/api", backend: "shop/web:80", [.local(echo)]),
                            Self.route("sse.test", source: "shop/chat", backend: "shop/llm:8080", [.local(events)]),
                            Self.route("ws.test", source: "shop/ws", backend: "shop/sockets:80", [.local(sockets)]),
                        ]
                        let removed = [
                            Self.route("down.test", source: "ops/down", backend: "ops/gone:80", [refused]),
                            Self.route(
                                "slow.test", source: "ops/slow", backend: "ops/slow:80", [.local(silent)],
                                policy: RoutePolicy(readTimeout: .milliseconds(200))),
                        ]
                        try await withProxy(RoutingTable(routes: kept + removed)) { proxy in
                            let apiBytes = try await Self.sendTraffic(to: proxy)
                            let text = proxy.metrics.prometheusText()
                            let shop = #"namespace="shop",ingress="api",service="web""#
                            let expected = [
                                #"{\#(shop),method="GET",status="2xx",protocol="http/1.1"} 3"#,
                                #"{\#(shop),method="POST",status="2xx",protocol="http/1.1"} 1"#,
                                #"{namespace="shop",ingress="chat",service="llm",method="GET",status="2xx",protocol="http/1.1"} 2"#,
                                #"{namespace="shop",ingress="ws",service="sockets",method="GET",status="1xx",protocol="http/1.1"} 1"#,
                                #"{namespace="ops",ingress="down",service="gone",method="GET",status="5xx",protocol="http/1.1"} 1"#,
                                #"{namespace="ops",ingress="slow",service="slow",method="GET",status="5xx",protocol="http/1.1"} 1"#,
                                #"{namespace="",ingress="",service="",method="GET",status="4xx",protocol="http/1.1"} 1"#,
                            ]
                            let requests = Self.rows(text, "sluice_requests_total{")
                            #expect(requests.sorted() == expected.map { "sluice_requests_total" + $0 }.sorted())
                            #expect(Self.rows(text, "sluice_request_duration_seconds_count{").sorted()
                                == expected.map { "sluice_request_duration_seconds_count" + $0 }.sorted())
                            // The 504 came after the 200 ms read timeout: nothing in the buckets below it.
                            let slow = #"namespace="ops",ingress="slow",service="slow",method="GET",status="5xx",protocol="http/1.1""#
                            #expect(text.contains("sluice_request_duration_seconds_bucket{\(slow),le=\"0.1\"} 0\n"))
                            #expect(text.contains("sluice_request_duration_seconds_bucket{\(slow),le=\"+Inf\"} 1\n"))

                            // Each response's first byte once; a stream's first event once per stream.
                            let value = { (series: String) in ProxyStreamMetricsTests.value(text, series) }
                            #expect(value("sluice_upstream_first_byte_seconds_count{\(shop)}") == 4)
                            #expect(value(#"sluice_upstream_first_byte_seconds_count{namespace="shop",ingress="chat",service="llm"}"#) == 2)
                            #expect(value(#"sluice_stream_first_event_seconds_count{namespace="shop",ingress="chat",service="llm"}"#) == 2)
                            #expect(value(#"sluice_streams_ended_total{namespace="shop",ingress="chat",service="llm",kind="sse",reason="upstream_end"}"#) == 2)
                            #expect(value(#"sluice_upstream_first_byte_seconds_count{namespace="ops",ingress="down",service="gone"}"#) == nil)
                            // What the API's client read, heads included; the POST's one-byte body.
                            #expect(value("sluice_sent_bytes_total{\(shop)}") == apiBytes)
                            #expect(value("sluice_received_bytes_total{\(shop)}") == 1)
                            #expect(value(#"sluice_streams_active{namespace="shop",ingress="ws",service="sockets",kind="websocket"}"#) != nil)
                            try await PromtoolCheck.expectClean(text)

                            proxy.store.publish(RoutingTable(routes: kept))
                            let after = proxy.metrics.prometheusText()
                            #expect(!after.contains(#"namespace="ops""#))
                            #expect(Self.rows(after, "sluice_requests_total{").count == expected.count - 2)
                        }
                    }
                }
            }
        }
    }

    /// Three GETs and a POST on one keep-alive connection, two event streams, a WebSocket
    /// upgrade, a 502 (refused endpoint), a 504 (silent upstream) and a 404 (no route). Returns
    /// the bytes the keep-alive connection's client received.
    private static func sendTraffic(to proxy: ProxyUnderTest) async throws -> Int {
        let api = try await proxy.connect()
        for _ in 0..<3 {
            try await api.send(get("/items", host: "api.test"))
            #expect(try await api.readResponse().status == 200)
        }
        try await api.send(request("POST", "/items", host: "api.test", body: "x"))
        #expect(try await api.readResponse().status == 200)
        for _ in 0..<2 {
            let stream = try await proxy.connect()
            try await stream.send(get("/events", host: "sse.test"))
            let response = try await stream.readResponse()
            #expect(response.status == 200)
            #expect(response.bodyText.contains("data:"))
            await stream.close()
        }
        let socket = try await proxy.connect()
        try await socket.send(
            get("/ws", host: "ws.test", extra: [
                "Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
                "Sec-WebSocket-Version: 13",
            ]))
        #expect(try await socket.readResponse(headRequest: true).status == 101)
        await socket.close()
        for (host, status) in [("down.test", 502), ("slow.test", 504), ("nowhere.test", 404)] {
            let client = try await proxy.connect()
            try await client.send(get("/", host: host))
            #expect(try await client.readResponse().status == status)
            await client.close()
        }
        return api.receivedByteCount
    }

    /// A request the route refuses on its own behalf (its source ranges deny the client, its
    /// backend has no endpoints) counts under that route, not as unrouted; one no route matches
    /// counts with empty route labels.
    @Test func refusedRequestsCountUnderTheirRoute() async throws {
        let guarded = RoutePolicy(sourceRanges: SourceRanges(allow: [AddressRange("10.0.0.0/8")!]))
        let routes = [
            Self.route("guarded.test", source: "shop/guarded", backend: "shop/web:80", [], policy: guarded),
            Self.route("empty.test", source: "shop/empty", backend: "shop/none:80", []),
        ]
        try await withProxy(RoutingTable(routes: routes)) { proxy in
            let client = try await proxy.connect()
            for (host, status) in [("guarded.test", 403), ("empty.test", 503), ("nowhere.test", 404)] {
                try await client.send(get("/", host: host))
                #expect(try await client.readResponse().status == status)
            }
            await client.close()
            let rows = Self.rows(proxy.metrics.prometheusText(), "sluice_requests_total{")
            for expected in [
                #"sluice_requests_total{namespace="shop",ingress="guarded",service="web",method="GET",status="4xx",protocol="http/1.1"} 1"#,
                #"sluice_requests_total{namespace="shop",ingress="empty",service="none",method="GET",status="5xx",protocol="http/1.1"} 1"#,
                #"sluice_requests_total{namespace="",ingress="",service="",method="GET",status="4xx",protocol="http/1.1"} 1"#,
            ] {
                #expect(rows.contains(expected), "\(expected) not in \(rows)")
            }
        }
    }

    /// A chunked event stream of three events, answered to every request (kept-alive upstream
    /// connections included).
    private static let eventStream: [String] = {
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
        let events = (1...3).map { "data: token \($0)\n\n" }
        return [head] + events.map { String($0.utf8.count, radix: 16) + "\r\n" + $0 + "\r\n" } + ["0\r\n\r\n"]
    }()

    private static func rows(_ text: String, _ prefix: String) -> [String] {
        text.split(separator: "\n").filter { $0.hasPrefix(prefix) }.map(String.init)
    }
}
