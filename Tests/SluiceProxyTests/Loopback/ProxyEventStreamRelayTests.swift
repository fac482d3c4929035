import SluiceProxy
import SluiceRouting
import SluiceTestSupport
import Testing

/// Event streams whose chunked body the proxy relays as the upstream framed it
/// (`UpstreamResponseSplitter`), against an upstream that writes exact bytes. A chunk extension
/// tells the two paths apart on the wire: the decoding path drops it, the relay keeps it.
@Suite("Proxy event stream relay")
struct ProxyEventStreamRelayTests {
    static let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"

    /// Runs `body` with a proxy in front of an upstream that sends `pieces` (each after a permit
    /// of `permits`); both are stopped before it returns.
    private static func withRelay(
        _ pieces: [String], permits: UpstreamPermits = UpstreamPermits(), policy: RoutePolicy = .default,
        _ body: (ProxyUnderTest) async throws -> Void
    ) async throws {
        try await withProxy(upstream: .script(pieces, permits: permits), policy: policy) { proxy, _ in
            try await body(proxy)
        }
    }

    /// What the client received after the response head.
    private static func body(of client: TestClient) -> String {
        let text = client.receivedText
        guard let end = text.range(of: "\r\n\r\n") else { return "" }
        return String(text[end.upperBound...])
    }

    /// Each piece reaches the client before the upstream sends the next (a piece may end inside
    /// a chunk, or carry the head and the first chunk together), extensions and trailers intact;
    /// the client connection then serves another request, over the same upstream connection.
    @Test func theUpstreamsChunksReachTheClientVerbatimAsTheyArrive() async throws {
        let permits = UpstreamPermits()
        let pieces = [Self.head + "9;id=1\r\ndata: 1", "\n\n\r\n9\r\ndata", ": 2\n\n\r\n0\r\nX-Sum: 2\r\n\r\n"]
        try await Self.withRelay(pieces, permits: permits) { proxy in
            let client = try await proxy.connect()
            try await client.send(get("/events"))
            try await client.waitForText("9;id=1\r\ndata: 1")
            #expect(client.receivedText.lowercased().contains("x-accel-buffering: no"))
            permits.grant()
            try await client.waitForText("9\r\ndata")
            permits.grant()
            try await client.waitForText("X-Sum: 2\r\n\r\n")
            #expect(Self.body(of: client) == pieces.joined().dropFirst(Self.head.count).description)

            let first = try await client.readResponse()
            #expect(first.bodyText == "data: 1\n\ndata: 2\n\n")
            #expect(first.trailers == "X-Sum: 2\r\n")
            permits.open()
            try await client.send(get("/events"))
            let second = try await client.readResponse()
            #expect(second.bodyText == "data: 1\n\ndata: 2\n\n")
            #expect(!client.isClosed)
            #expect(proxy.metrics.eventStreamsRelayed == 2)
            // The connection got a fresh decoder after the relayed body and served the second request.
            #expect(proxy.metrics.upstreamConnectionsOpened == 1)
            #expect(proxy.metrics.upstreamConnectionsReused == 1)
        }
    }

    /// Bytes the upstream sends after the end of the body never reach the client, and the next
    /// request gets a new upstream connection (nothing was asked for those bytes).
    @Test func bytesAfterTheEndOfTheBodyAreDropped() async throws {
        let smuggled = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nevil!"
        try await Self.withRelay([Self.head + "5\r\nhello\r\n0\r\n\r\n" + smuggled]) { proxy in
            let client = try await proxy.connect()
            try await client.send(get("/events"))
            #expect(try await client.readResponse().bodyText == "hello")
            try await client.send(get("/events"))
            #expect(try await client.readResponse().bodyText == "hello")
            #expect(!client.receivedText.contains("evil"))
            #expect(proxy.metrics.upstreamConnectionsOpened == 2)
            #expect(proxy.metrics.eventStreamsRelayed == 2, "the relay, not the decoder, must have met the smuggled bytes")
        }
    }

    /// Broken framing ends the stream: what was valid before it was relayed, nothing of the
    /// broken chunk is, and the client connection closes (the response is cut short).
    @Test func brokenFramingClosesTheStreamWithoutRelayingIt() async throws {
        let permits = UpstreamPermits()
        try await Self.withRelay([Self.head + "5\r\nhello\r\n", "5\r\nworldX\r\n0\r\n\r\n"], permits: permits) { proxy in
            let client = try await proxy.connect()
            try await client.send(get("/events"))
            try await client.waitForText("5\r\nhello\r\n")
            permits.grant()
            try await client.waitForClose()
            #expect(Self.body(of: client) == "5\r\nhello\r\n")
            #expect(proxy.metrics.eventStreamsRelayed == 1)
        }
    }

    /// `max-stream-duration` cuts a relayed stream with the close alone, whether it stopped
    /// between chunks or inside one: no terminating chunk, so the client cannot take the capped
    /// stream for a complete response. (The cap leaves the upstream's bytes 1 s to arrive, which a
    /// busy test run needs.)
    @Test func theStreamCapCutsARelayedBodyWithoutItsEnd() async throws {
        let policy = RoutePolicy(maxStreamDuration: .seconds(1))
        for (piece, ending) in [("5\r\nhello\r\n", "5\r\nhello\r\n"), ("a\r\nhello", "a\r\nhello")] {
            try await Self.withRelay([Self.head + piece], policy: policy) { proxy in
                let client = try await proxy.connect()
                try await client.send(get("/events"))
                try await client.waitForClose()
                #expect(Self.body(of: client) == ending)
                #expect(proxy.metrics.eventStreamsRelayed == 1)
            }
        }
    }

    /// A path the route declares a stream is relayed whatever its content type; an interim head
    /// before the final one is forwarded (RFC 9110 §15.2) and does not stop the relay.
    @Test func declaredPathsAndInterimHeadsAreRelayed() async throws {
        let plain = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n4;x\r\nabcd\r\n0\r\n\r\n"
        let declared = RoutePolicy(eventStreamPaths: ["/feed"])
        let early = "HTTP/1.1 103 Early Hints\r\nLink: </style.css>\r\n\r\n"
        for (pieces, policy) in [([plain], declared), ([early + Self.head + "4;x\r\nabcd\r\n0\r\n\r\n"], RoutePolicy.default)] {
            try await Self.withRelay(pieces, policy: policy) { proxy in
                let client = try await proxy.connect()
                try await client.send(get("/feed"))
                try await client.waitForText("0\r\n\r\n")
                if pieces[0].hasPrefix("HTTP/1.1 103") {
                    let forwarded = "HTTP/1.1 103 Early Hints\r\nLink: </style.css>\r\n\r\n"
                    #expect(client.receivedText.hasPrefix(forwarded))
                    client.consume(forwarded.utf8.count)
                }
                #expect(Self.body(of: client) == "4;x\r\nabcd\r\n0\r\n\r\n")
                #expect(proxy.metrics.eventStreamsRelayed == 1)
            }
        }
    }

    /// The upstream's `Connection` options are acted on and not relayed: `close` keeps its
    /// connection out of the pool, a field `Connection` names is dropped with it. The head is
    /// parsed in one pass when the client's `Accept` lists event streams, after the scan for its
    /// end when not; both are relayed.
    @Test(arguments: [[], ["Accept: text/event-stream"]])
    func theUpstreamsConnectionOptionsAreActedOnNotRelayed(_ accept: [String]) async throws {
        func stream(_ connection: String) -> String {
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: \(connection)\r\nX-Trace: secret\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
        }
        for (connection, opened) in [("close", 2), ("keep-alive, X-Trace", 1), ("Keep-Alive", 1)] {
            try await Self.withRelay([stream(connection)]) { proxy in
                let client = try await proxy.connect()
                for _ in 0..<2 {
                    try await client.send(get("/events", extra: accept))
                    let response = try await client.readResponse()
                    #expect(response.bodyText == "hello")
                    #expect(response.header("connection") == nil, "\(connection)")
                    #expect(response.header("x-accel-buffering") == "no")
                    #expect((response.header("x-trace") == nil) == connection.contains("X-Trace"), "\(connection)")
                }
                #expect(proxy.metrics.upstreamConnectionsOpened == opened, "\(connection)")
                #expect(proxy.metrics.eventStreamsRelayed == 2, "\(connection)")
            }
        }
    }

    /// What the relay does not take is decoded and framed again, as before: an ordinary chunked
    /// response (its upstream connection pooled), and an event stream to an HTTP/1.0 client
    /// (delimited by the close).
    @Test func otherResponsesAreDecodedAndFramedAgain() async throws {
        let ordinary = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n4;x\r\nabcd\r\n0\r\n\r\n"
        try await Self.withRelay([ordinary]) { proxy in
            let client = try await proxy.connect()
            for _ in 0..<2 {
                try await client.send(get("/plain"))
                try await client.waitForText("0\r\n\r\n")
                #expect(Self.body(of: client) == "4\r\nabcd\r\n0\r\n\r\n")
                _ = try await client.readResponse()
            }
            #expect(proxy.metrics.upstreamConnectionsOpened == 1)
        }

        try await Self.withRelay([Self.head + "4;x\r\nabcd\r\n0\r\n\r\n"]) { streamProxy in
            let old = try await streamProxy.connect()
            try await old.send("GET /events HTTP/1.0\r\nHost: example.com\r\n\r\n")
            try await old.waitForClose()
            #expect(Self.body(of: old) == "abcd")
            #expect(streamProxy.metrics.eventStreamsRelayed == 0)
        }
    }

    /// A relayed stream's head is parsed by the splitter and never reaches the decoder; the
    /// decoder still answers for every other response on the same upstream connection, in order:
    /// a `HEAD` after a relayed stream (no body to wait for), a stream it decodes for an HTTP/1.0
    /// client (the splitter parsed that head too, then handed it over), and relayed ones again.
    /// (The HTTP/1.0 client's connection may land on another event loop, with its own pool.)
    @Test func theDecoderKeepsItsPlaceAroundStreamsItNeverSaw() async throws {
        try await withProxy(upstream: .eventStream(count: 2, permits: UpstreamPermits(), freeEvents: 2)) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send(get("/events"))
            let first = try await client.readResponse()
            try await client.send(request("HEAD", "/events"))
            let head = try await client.readResponse(headRequest: true)
            try await client.send(get("/events"))
            let second = try await client.readResponse()
            // One client connection, one event loop: its three exchanges used one upstream connection.
            #expect(proxy.metrics.upstreamConnectionsOpened == 1)
            let old = try await proxy.connect()
            try await old.send("GET /events HTTP/1.0\r\nHost: example.com\r\n\r\n")
            try await old.waitForClose()
            try await client.send(get("/events"))
            let third = try await client.readResponse()

            #expect(first.bodyText.contains("data:"))
            #expect(second.bodyText == first.bodyText)
            #expect(third.bodyText == first.bodyText)
            #expect(Self.body(of: old) == first.bodyText)
            #expect(head.status == 200)
            #expect(head.bodyText.isEmpty)
            #expect(proxy.metrics.eventStreamsRelayed == 3)
        }
    }
}
