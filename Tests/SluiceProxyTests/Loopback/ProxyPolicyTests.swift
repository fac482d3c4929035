import SluiceProxy
import SluiceRouting
import SluiceTestSupport
import Testing

@Suite("Proxy send timeout")
struct ProxySendTimeoutTests {
    /// An upstream that stops reading a large upload: once it has taken nothing for the route's
    /// send timeout, the client gets 504 and the connection closes.
    @Test func stalledUploadGets504() async throws {
        let recorder = UpstreamUploadRecorder()
        let gate = UpstreamPermits()  // never opened: the upstream reads the head only
        let policy = RoutePolicy(sendTimeout: .milliseconds(300))
        try await withProxy(upstream: .upload(recorder: recorder, readGate: gate), policy: policy) { proxy, _ in
            let total = 64 * 1024 * 1024
            let client = try await proxy.connect()
            try await client.send("PUT /upload HTTP/1.1\r\nHost: example.com\r\nContent-Length: \(total)\r\n\r\n")
            let uploader = Task {
                let chunk = [UInt8](repeating: UInt8(ascii: "u"), count: 64 * 1024)
                for _ in 0..<(total / chunk.count) {
                    try await client.send(chunk)
                }
            }
            defer { uploader.cancel() }
            let response = try await client.readResponse(timeout: .seconds(20))
            #expect(response.status == 504)
            #expect(response.header("connection") == "close")
            #expect(recorder.receivedBytes < total)
            try await client.waitForClose(timeout: .seconds(10))
        }
    }

    /// The same upload to an upstream that keeps reading is not cut by a short send timeout,
    /// however long the whole upload takes. (2 s: a machine loaded by the rest of the suite can
    /// hold a reading upstream back for most of a second.)
    @Test func uploadToAReadingUpstreamIsNotCut() async throws {
        let recorder = UpstreamUploadRecorder()
        let policy = RoutePolicy(sendTimeout: .seconds(2))
        try await withProxy(upstream: .upload(recorder: recorder), policy: policy) { proxy, _ in
            let total = 32 * 1024 * 1024
            let client = try await proxy.connect()
            try await client.send("PUT /upload HTTP/1.1\r\nHost: example.com\r\nContent-Length: \(total)\r\n\r\n")
            let chunk = [UInt8](repeating: UInt8(ascii: "u"), count: 64 * 1024)
            for _ in 0..<(total / chunk.count) {
                try await client.send(chunk)
            }
            let response = try await client.readResponse(timeout: .seconds(20))
            #expect(response.status == 200)
            #expect(response.bodyText == "received \(total) bytes\n")
        }
    }
}

@Suite("Proxy 100-continue and interim responses")
struct ProxyContinueTests {
    /// A client that sends `Expect: 100-continue` and waits gets `100 Continue` from the proxy
    /// (the upstream, which never sees the `Expect`, need not send one), then the response.
    @Test func expectContinueIsAnsweredByTheProxy() async throws {
        try await withProxy(upstream: .echo) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send(
                "POST /upload HTTP/1.1\r\nHost: example.com\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
            let interim = try await client.readResponse()
            #expect(interim.status == 100)
            try await client.send("hello")
            let final = try await client.readResponse()
            #expect(final.status == 200)
            #expect(final.bodyText.hasPrefix("POST /upload HTTP/1.1\n"))
            #expect(final.bodyText.hasSuffix("\n\nhello"))
            #expect(!final.bodyText.lowercased().contains("expect:"))
            #expect(final.header("connection") == nil, "the connection stays open")
        }
    }

    /// No route: the client waiting for `100 Continue` gets the `404` at once, not after the
    /// body it holds back, and the connection closes (the body is never read).
    @Test func aRefusedRequestThatWaitsForContinueIsAnsweredAtOnce() async throws {
        try await withProxy(table(path: "/api", endpoints: [Endpoint(host: "127.0.0.1", port: 1)])) { proxy in
            let client = try await proxy.connect()
            try await client.send(
                "POST /upload HTTP/1.1\r\nHost: example.com\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.status == 404)
            #expect(response.header("connection") == "close")
            try await client.waitForClose()
        }
    }

    /// `103 Early Hints` (any 1xx but `101`) reaches an HTTP/1.1 client before the final
    /// response, without hop-by-hop fields; an HTTP/1.0 client gets only the final response.
    @Test func earlyHintsAreForwardedToHTTP11ClientsOnly() async throws {
        let hints = "HTTP/1.1 103 Early Hints\r\nLink: </app.css>; rel=preload\r\nConnection: X-Hop\r\nX-Hop: 1\r\n\r\n"
        let final = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
        try await withProxy(upstream: .script([hints, final], freePieces: 2), host: nil) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send(get("/page"))
            try await client.waitForText("\r\n\r\n")
            #expect(client.receivedText.hasPrefix("HTTP/1.1 103 Early Hints\r\n"))
            let interim = try await client.readResponse()
            #expect(interim.status == 103)
            #expect(interim.header("link") == "</app.css>; rel=preload")
            #expect(interim.header("x-hop") == nil)
            let response = try await client.readResponse()
            #expect(response.status == 200)
            #expect(response.bodyText == "ok")

            let old = try await proxy.connect()
            try await old.send("GET /page HTTP/1.0\r\n\r\n")
            try await old.waitForClose()
            #expect(old.receivedText.hasPrefix("HTTP/1.0 200 OK\r\n"), "\(old.receivedText)")
        }
    }

    /// A `101` to a request that did not ask to upgrade would leave the client reading another
    /// protocol as HTTP: `502`, and both connections close.
    @Test func anUnsolicitedSwitchingProtocolsIsABadGateway() async throws {
        try await withProxy(
            upstream: .script(["HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\u{81}\u{02}hi"])
        ) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send(get("/plain"))
            let response = try await client.readResponse()
            #expect(response.status == 502)
            #expect(response.bodyText == "upstream default/app:80 sent an invalid response\n")
            try await client.waitForClose()
        }
    }
}

@Suite("Proxy response buffering")
struct ProxyBufferingTests {
    /// `buffering` on: with a client that does not read, the proxy keeps reading the upstream
    /// past its write buffer, so the upstream finishes sending; the client still gets everything.
    @Test func bufferingReadsAheadOfASlowClient() async throws {
        let total = 24 * 1024 * 1024
        let stats = UpstreamByteSourceStats()
        let configuration = ProxyConfiguration(maxBufferedResponseBytes: 64 * 1024 * 1024)
        try await withProxy(
            upstream: .byteSource(bytes: total, stats: stats),
            policy: RoutePolicy(buffering: true),
            configuration: configuration
        ) { proxy, _ in
            let client = try await proxy.connect(autoRead: false)
            try await client.send(get("/big"))
            try await waitUntil(timeout: .seconds(20)) { stats.bytesSent == total }
            #expect(proxy.metrics.maxClientBufferedBytes > ProxyConfiguration().writeBufferHighWaterMark)

            client.stopRecordingBytes()
            try await client.startReading()
            try await waitUntil(timeout: .seconds(30)) { client.receivedByteCount >= total }
        }
    }

    /// The bound holds: with `maxBufferedResponseBytes` small, the upstream is held back again.
    @Test func bufferingStopsAtTheBound() async throws {
        let total = 100 * 1024 * 1024
        let stats = UpstreamByteSourceStats()
        let configuration = ProxyConfiguration(maxBufferedResponseBytes: 1024 * 1024)
        try await withProxy(
            upstream: .byteSource(bytes: total, stats: stats),
            policy: RoutePolicy(buffering: true),
            configuration: configuration
        ) { proxy, _ in
            let client = try await proxy.connect(autoRead: false)
            try await client.send(get("/big"))
            try await waitUntil(timeout: .seconds(20)) { proxy.metrics.upstreamReadsPaused > 0 && stats.stalls > 0 }
            #expect(stats.bytesSent < total)
            #expect(proxy.metrics.maxClientBufferedBytes < 2 * 1024 * 1024)
            await client.close()
        }
    }
}
