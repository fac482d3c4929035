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
        let upstream = try await UpstreamServer.start(.upload(recorder: recorder, readGate: gate))
        let policy = RoutePolicy(sendTimeout: .milliseconds(300))
        let proxy = try await ProxyUnderTest.start(table(endpoints: [.local(upstream)], policy: policy))
        defer { Task { await proxy.stop(); await upstream.stop() } }

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

    /// The same upload to an upstream that keeps reading is not cut by a short send timeout.
    @Test func uploadToAReadingUpstreamIsNotCut() async throws {
        let recorder = UpstreamUploadRecorder()
        let upstream = try await UpstreamServer.start(.upload(recorder: recorder))
        let policy = RoutePolicy(sendTimeout: .seconds(1))
        let proxy = try await ProxyUnderTest.start(table(endpoints: [.local(upstream)], policy: policy))
        defer { Task { await proxy.stop(); await upstream.stop() } }

        let total = 8 * 1024 * 1024
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

@Suite("Proxy 100-continue")
struct ProxyContinueTests {
    /// A client that sends `Expect: 100-continue` and waits: the upstream's `100 Continue`
    /// reaches it before the body is sent, then the final response.
    @Test func interimContinueIsForwarded() async throws {
        let recorder = UpstreamUploadRecorder()
        let upstream = try await UpstreamServer.start(.upload(recorder: recorder))
        let proxy = try await ProxyUnderTest.start(table(endpoints: [.local(upstream)]))
        defer { Task { await proxy.stop(); await upstream.stop() } }

        let client = try await proxy.connect()
        try await client.send(
            "POST /upload HTTP/1.1\r\nHost: example.com\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
        let interim = try await client.readResponse()
        #expect(interim.status == 100)
        #expect(recorder.receivedBytes == 0)
        try await client.send("hello")
        let final = try await client.readResponse()
        #expect(final.status == 200)
        #expect(final.bodyText == "received 5 bytes\n")
    }
}

@Suite("Proxy response buffering")
struct ProxyBufferingTests {
    /// `buffering` on: with a client that does not read, the proxy keeps reading the upstream
    /// past its write buffer, so the upstream finishes sending; the client still gets everything.
    @Test func bufferingReadsAheadOfASlowClient() async throws {
        let total = 24 * 1024 * 1024
        let stats = UpstreamByteSourceStats()
        let upstream = try await UpstreamServer.start(.byteSource(bytes: total, stats: stats))
        let configuration = ProxyConfiguration(maxBufferedResponseBytes: 64 * 1024 * 1024)
        let proxy = try await ProxyUnderTest.start(
            table(endpoints: [.local(upstream)], policy: RoutePolicy(buffering: true)), configuration: configuration)
        defer { Task { await proxy.stop(); await upstream.stop() } }

        let client = try await proxy.connect(autoRead: false)
        try await client.send(get("/big"))
        try await waitUntil(timeout: .seconds(20)) { stats.bytesSent == total }
        #expect(proxy.metrics.maxClientBufferedBytes > ProxyConfiguration().writeBufferHighWaterMark)

        client.stopRecordingBytes()
        try await client.startReading()
        try await waitUntil(timeout: .seconds(30)) { client.receivedByteCount >= total }
    }

    /// The bound holds: with `maxBufferedResponseBytes` small, the upstream is held back again.
    @Test func bufferingStopsAtTheBound() async throws {
        let total = 100 * 1024 * 1024
        let stats = UpstreamByteSourceStats()
        let upstream = try await UpstreamServer.start(.byteSource(bytes: total, stats: stats))
        let configuration = ProxyConfiguration(maxBufferedResponseBytes: 1024 * 1024)
        let proxy = try await ProxyUnderTest.start(
            table(endpoints: [.local(upstream)], policy: RoutePolicy(buffering: true)), configuration: configuration)
        defer { Task { await proxy.stop(); await upstream.stop() } }

        let client = try await proxy.connect(autoRead: false)
        try await client.send(get("/big"))
        try await waitUntil(timeout: .seconds(20)) { proxy.metrics.upstreamReadsPaused > 0 && stats.stalls > 0 }
        #expect(stats.bytesSent < total)
        #expect(proxy.metrics.maxClientBufferedBytes < 2 * 1024 * 1024)
        await client.close()
    }
}
