import SluiceProxy
import SluiceRouting
import SluiceTestSupport
import Testing

/// The client-side timeouts that run while an exchange is under way: a request body that stops
/// arriving (`clientBodyTimeout`, nginx's `client_body_timeout`) and a response the client stops
/// taking (`clientSendTimeout`, nginx's `send_timeout`). Without them a client holds an upstream
/// connection for as long as it likes.
@Suite("Proxy client timeouts")
struct ProxyClientTimeoutTests {
    private static let short = ProxyConfiguration(clientBodyTimeout: .milliseconds(300), clientSendTimeout: .milliseconds(300))

    @Test func stalledUploadGets408AndClose() async throws {
        let recorder = UpstreamUploadRecorder()
        try await withProxy(upstream: .upload(recorder: recorder), configuration: Self.short) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send("POST /upload HTTP/1.1\r\nHost: example.com\r\nContent-Length: 100\r\n\r\n0123456789")
            try await waitUntil { recorder.receivedBytes == 10 }
            let response = try await client.readResponse()
            #expect(response.status == 408)
            #expect(response.header("connection") == "close")
            #expect(response.bodyText == "request body not received in time\n")
            try await client.waitForClose()
        }
    }

    /// Time the proxy holds the client's reads while the upstream does not take the body is
    /// the upstream's silence (`sendTimeout`), not the client's.
    @Test func uploadHeldBackByTheUpstreamIsNotTimedOut() async throws {
        let recorder = UpstreamUploadRecorder()
        let gate = UpstreamPermits()
        // Two seconds: with one, a test client starved of CPU by the parallel suite on a loaded
        // two-core machine paused that long between its own writes before the proxy held it,
        // and was timed out rightly.
        try await withProxy(
            upstream: .upload(recorder: recorder, readGate: gate),
            configuration: ProxyConfiguration(clientBodyTimeout: .seconds(2))
        ) { proxy, _ in
            let total = 32 * 1024 * 1024
            let client = try await proxy.connect()
            try await client.send("PUT /upload HTTP/1.1\r\nHost: example.com\r\nContent-Length: \(total)\r\n\r\n")
            let uploader = Task {
                let chunk = [UInt8](repeating: UInt8(ascii: "u"), count: 64 * 1024)
                for _ in 0..<(total / chunk.count) { try await client.send(chunk) }
            }
            try await waitUntil(timeout: .seconds(20)) { proxy.metrics.clientReadsPaused > 0 }
            // Several body timeouts pass while the proxy holds the client back.
            try await Task.sleep(for: .seconds(5))
            #expect(!client.isClosed)

            gate.open()
            try await uploader.value
            let response = try await client.readResponse(timeout: .seconds(30))
            #expect(response.status == 200)
            #expect(response.bodyText == "received \(total) bytes\n")
        }
    }

    /// Each piece arrives within the timeout, the whole upload takes longer than one: it
    /// completes. (Pieces 200 ms apart against 2 s: a test client starved of CPU by the parallel
    /// suite once paused longer than 300 ms × 6.)
    @Test func slowUploadThatKeepsSendingCompletes() async throws {
        let recorder = UpstreamUploadRecorder()
        try await withProxy(
            upstream: .upload(recorder: recorder),
            configuration: ProxyConfiguration(clientBodyTimeout: .seconds(2))
        ) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send("POST /upload HTTP/1.1\r\nHost: example.com\r\nContent-Length: 15\r\n\r\n")
            for piece in 0..<15 {
                try await client.send(String(piece % 10))
                try await Task.sleep(for: .milliseconds(200))
            }
            let response = try await client.readResponse()
            #expect(response.status == 200)
            #expect(response.bodyText == "received 15 bytes\n")
        }
    }

    /// The upstream answered before the body was complete: the body timeout cuts the exchange
    /// (no `408` after a `200` head, no terminating chunk). The timeout is 2 s, not 300 ms: the
    /// upstream's head must come before it, and in a CI run on a loaded machine once did not.
    @Test func stalledUploadAfterTheResponseStartedClosesTheConnection() async throws {
        try await withProxy(
            upstream: .script(["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nhello\n\r\n"]),
            configuration: ProxyConfiguration(clientBodyTimeout: .seconds(2), clientSendTimeout: .seconds(2))
        ) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send("POST /duplex HTTP/1.1\r\nHost: example.com\r\nContent-Length: 100\r\n\r\n")
            try await client.waitForText("hello\n")
            try await client.send("0123456789")
            try await client.waitForClose()
            #expect(client.receivedText.hasPrefix("HTTP/1.1 200 OK"))
            #expect(client.receivedText.lowercased().contains("\r\nconnection: close\r\n"), "a response before the body's end closes")
            #expect(!client.receivedText.contains("408"))
            #expect(!client.receivedText.hasSuffix("0\r\n\r\n"), "a cut response must not end cleanly")
        }
    }

    /// No route for an upload: the `404` goes out at once, without waiting for a body that may
    /// never come, and the connection closes after it.
    @Test func refusedUploadIsAnsweredAtOnce() async throws {
        try await withProxy(
            table(path: "/api", endpoints: [Endpoint(host: "127.0.0.1", port: 1)]),
            configuration: ProxyConfiguration(lingeringTimeout: .milliseconds(300))
        ) { proxy in
            let client = try await proxy.connect()
            try await client.send("POST /elsewhere HTTP/1.1\r\nHost: example.com\r\nContent-Length: 100\r\n\r\n0123")
            let response = try await client.readResponse()
            #expect(response.status == 404)
            #expect(response.header("connection") == "close")
            try await client.waitForClose()
        }
    }

    /// A client that stops reading a large response: after `clientSendTimeout` without taking a
    /// byte, both connections close, so the upstream's is not held for the client.
    @Test func clientThatStopsReadingIsClosedWithItsUpstream() async throws {
        let total = 100 * 1024 * 1024
        let stats = UpstreamByteSourceStats()
        try await withProxy(upstream: .byteSource(bytes: total, stats: stats), configuration: Self.short) { proxy, _ in
            let client = try await proxy.connect(autoRead: false)
            try await client.send(get("/big"))
            try await waitUntil(timeout: .seconds(20)) { stats.responsesCut == 1 }

            client.stopRecordingBytes()
            try await client.startReading()
            try await client.waitForClose(timeout: .seconds(20))
            #expect(client.receivedByteCount < total)
        }
    }
}
