import SluiceProxy
import SluiceRouting
import SluiceTestSupport
import Testing

@Suite("Proxy forwarding")
struct ProxyForwardingTests {
    @Test func forwardsRequestAndResponseWithForwardingHeaders() async throws {
        try await withProxy(upstream: .echo) { proxy, upstream in
            let client = try await proxy.connect()
            try await client.send(get("/hello?x=1", host: "Example.com:8080", extra: [
                "Connection: keep-alive, X-Secret",
                "X-Secret: drop-me",
                "Keep-Alive: timeout=5",
                "Proxy-Connection: keep-alive",
                "TE: trailers",
                "X-Forwarded-For: 10.0.0.1",
                "X-Request-ID: abc-123",
                "X-Custom: kept",
            ]))
            let response = try await client.readResponse()
            #expect(response.status == 200)
            let seen = response.bodyText
            #expect(seen.hasPrefix("GET /hello?x=1 HTTP/1.1\n"))
            #expect(seen.contains("host: Example.com:8080\n"))
            #expect(seen.contains("x-custom: kept\n"))
            #expect(seen.contains("x-forwarded-for: 127.0.0.1\n"), "a client's own chain is replaced")
            #expect(seen.contains("x-real-ip: 127.0.0.1\n"))
            #expect(seen.contains("x-forwarded-proto: http\n"))
            #expect(seen.contains("x-forwarded-host: Example.com:8080\n"))
            #expect(seen.contains("x-forwarded-port: \(proxy.port)\n"))
            #expect(seen.contains("x-request-id: abc-123\n"))
            for hop in ["x-secret:", "keep-alive:", "proxy-connection:", "te:", "connection:"] {
                #expect(!seen.contains("\n" + hop), "\(hop) must not reach the upstream")
            }
            // Response hop-by-hop fields (Keep-Alive, X-Hop named in Connection) are stripped too.
            #expect(response.header("keep-alive") == nil)
            #expect(response.header("x-hop") == nil)
            #expect(response.header("x-upstream-port") == String(upstream.port))
        }
    }

    @Test func generatesRequestIDWhenMissingOrInsane() async throws {
        try await withProxy(upstream: .echo) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send(get("/", extra: ["X-Request-ID: bad id with spaces"]))
            let response = try await client.readResponse()
            let line = response.bodyText.split(separator: "\n").first { $0.hasPrefix("x-request-id: ") }
            let id = try #require(line).dropFirst("x-request-id: ".count)
            #expect(id.count == 32)
            #expect(id.allSatisfy { $0.isHexDigit })
        }
    }

    @Test func reusesOneUpstreamConnectionForSequentialRequests() async throws {
        try await withProxy(upstream: .echo) { proxy, upstream in
            let client = try await proxy.connect()
            for i in 0..<5 {
                try await client.send(request("POST", "/k/\(i)", body: "body \(i)"))
                let response = try await client.readResponse()
                #expect(response.bodyText.hasSuffix("\n\nbody \(i)"))
            }
            #expect(upstream.acceptedConnections == 1)
            #expect(proxy.metrics.upstreamConnectionsOpened == 1)
            #expect(proxy.metrics.upstreamConnectionsReused == 4)
        }
    }

    @Test func spreadsRequestsRoundRobin() async throws {
        try await withUpstream(.echo) { a in
            try await withUpstream(.echo) { b in
                try await withProxy(table(endpoints: [.local(a), .local(b)])) { proxy in
                    let client = try await proxy.connect()
                    var ports: [String] = []
                    for _ in 0..<4 {
                        try await client.send(get("/"))
                        ports.append(try await client.readResponse().header("x-upstream-port") ?? "")
                    }
                    #expect(Set(ports) == [String(a.port), String(b.port)])
                    #expect(ports[0] != ports[1])
                }
            }
        }
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        try await withProxy(upstream: .echo) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send(get("/one") + get("/two") + get("/three"))
            for path in ["/one", "/two", "/three"] {
                let response = try await client.readResponse()
                #expect(response.bodyText.hasPrefix("GET \(path) "))
            }
        }
    }

    @Test func clientConnectionCloseIsHonoured() async throws {
        try await withProxy(upstream: .echo) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send(get("/", extra: ["Connection: close"]))
            let response = try await client.readResponse()
            #expect(response.status == 200)
            #expect(response.header("connection") == "close")
            try await client.waitForClose()
        }
    }

    /// Bytes after a request that closes the connection are ignored (RFC 9112 §9.6), also when
    /// NIO's decoder reads the connection (here for the chunked body): the request gets its
    /// response, not the `400` llhttp's `closedConnection` error used to turn into.
    @Test func bytesAfterConnectionCloseOnTheGeneralDecoderAreIgnored() async throws {
        try await withProxy(upstream: .echo) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send(
                "POST /first HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n0\r\n\r\n" + get("/second"))
            try await client.send(get("/third"))
            let response = try await client.readResponse()
            #expect(response.status == 200)
            #expect(response.bodyText.hasPrefix("POST /first "))
            #expect(response.header("connection") == "close")
            try await client.waitForClose()
            #expect(!client.receivedText.contains("HTTP/1.1"), "nothing after the response: \(client.receivedText)")
        }
    }

    /// The closing request queued behind others in one read, after a chunked one (so NIO's
    /// decoder reads the connection): every request up to it is answered, nothing after it.
    @Test func requestsBeforeAQueuedClosingRequestAreAllAnswered() async throws {
        try await withProxy(upstream: .echo) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send(
                get("/a") + "POST /b HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n"
                    + get("/d", extra: ["Connection: close"]) + get("/e"))
            for expected in ["GET /a ", "POST /b ", "GET /d "] {
                let response = try await client.readResponse()
                #expect(response.status == 200)
                #expect(response.bodyText.hasPrefix(expected))
            }
            try await client.waitForClose()
            #expect(!client.receivedText.contains("HTTP/1.1"), "nothing after /d: \(client.receivedText)")
        }
    }
}

@Suite("Proxy HTTP/1.0 and absolute-form")
struct ProxyRequestFormTests {
    @Test func http10ClientGetsResponseAndClose() async throws {
        try await withProxy(upstream: .echo, host: nil) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send("GET /old HTTP/1.0\r\n\r\n")
            try await client.waitForClose()
            let response = try await client.readResponse()
            #expect(response.status == 200)
            #expect(response.bodyText.hasPrefix("GET /old HTTP/1.1\n"))
        }
    }

    @Test func absoluteFormTargetIsRoutedByPath() async throws {
        try await withProxy(upstream: .echo, path: "/api") { proxy, _ in
            let client = try await proxy.connect()
            try await client.send("GET http://example.com/api/x HTTP/1.1\r\nHost: example.com\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.status == 200)
        }
    }
}
