import SluiceProxy
import SluiceRouting
import SluiceTestSupport
import Testing

@Suite("Proxy backpressure")
struct ProxyBackpressureTests {
    /// A client that stops reading while the upstream offers 100 MB, in a response or after a
    /// `101` through a WebSocket tunnel: the proxy stops reading the upstream, keeps its own
    /// buffer for the stream small, and delivers everything once the client reads again.
    @Test(arguments: [false, true])
    func slowClientBoundsProxyBufferingAndStillGetsEverything(throughTunnel: Bool) async throws {
        let total = 100 * 1024 * 1024
        let stats = UpstreamByteSourceStats()
        try await withProxy(
            upstream: throughTunnel ? .upgradeThenByteSource(bytes: total, stats: stats) : .byteSource(bytes: total, stats: stats)
        ) { proxy, _ in
            let client = try await proxy.connect(autoRead: false)
            try await client.send(throughTunnel ? webSocketUpgradeRequest() : get("/big"))

            // Backpressure reached the upstream: the proxy stopped reading it, and the upstream's own
            // socket filled up.
            try await waitUntil(timeout: .seconds(20)) { proxy.metrics.upstreamReadsPaused > 0 && stats.stalls > 0 }
            #expect(stats.bytesSent < total, "the upstream must be held back while the client does not read")
            #expect(proxy.metrics.maxClientBufferedBytes > 0)
            #expect(proxy.metrics.maxClientBufferedBytes < 1024 * 1024)

            client.stopRecordingBytes()
            try await client.startReading()
            try await waitUntil(timeout: .seconds(60)) { client.receivedByteCount >= total }
            #expect(stats.bytesSent == total)
            #expect(proxy.metrics.maxClientBufferedBytes < 1024 * 1024)
            let headBytes = client.receivedByteCount - total
            #expect(headBytes > 0 && headBytes < 1024, "exactly the bytes sent plus one head")
        }
    }
}

@Suite("Proxy upload backpressure")
struct ProxyUploadBackpressureTests {
    /// An upstream that stops reading while a client uploads 32 MiB: the proxy stops reading the
    /// client and keeps its buffer toward the upstream small; everything arrives once the upstream
    /// reads again.
    @Test func slowUpstreamBoundsProxyBufferingOfUploads() async throws {
        let total = 32 * 1024 * 1024
        let recorder = UpstreamUploadRecorder()
        let gate = UpstreamPermits()
        try await withProxy(upstream: .upload(recorder: recorder, readGate: gate)) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send("PUT /upload HTTP/1.1\r\nHost: example.com\r\nContent-Length: \(total)\r\n\r\n")
            let uploader = Task {
                let chunk = [UInt8](repeating: UInt8(ascii: "u"), count: 64 * 1024)
                for _ in 0..<(total / chunk.count) {
                    try await client.send(chunk)
                }
            }
            try await waitUntil(timeout: .seconds(20)) { proxy.metrics.clientReadsPaused > 0 }
            #expect(recorder.receivedBytes < total)
            #expect(proxy.metrics.maxUpstreamBufferedBytes < 1024 * 1024)

            gate.open()
            try await uploader.value
            let response = try await client.readResponse(timeout: .seconds(30))
            #expect(response.bodyText == "received \(total) bytes\n")
            #expect(proxy.metrics.maxUpstreamBufferedBytes < 1024 * 1024)
        }
    }
}

@Suite("Proxy idle timeout under backpressure")
struct ProxyIdleTimeoutBackpressureTests {
    /// A client that pauses longer than the route's read timeout: the upstream was not silent,
    /// the proxy was not reading it, so the response must not be cut as an upstream timeout.
    @Test func clientPauseLongerThanReadTimeoutDoesNotCutTheResponse() async throws {
        let total = 8 * 1024 * 1024
        let stats = UpstreamByteSourceStats()
        try await withProxy(
            upstream: .byteSource(bytes: total, stats: stats),
            policy: RoutePolicy(readTimeout: .milliseconds(1500))
        ) { proxy, _ in
            let client = try await proxy.connect(autoRead: false)
            try await client.send(get("/big"))
            try await waitUntil(timeout: .seconds(20)) { proxy.metrics.upstreamReadsPaused > 0 }
            // Several read timeouts pass while the proxy holds the upstream back. (1.5 s: with
            // less, a machine loaded by the rest of the suite could delay the upstream's first
            // bytes past it, before there is any hold.)
            try await Task.sleep(for: .seconds(5))

            client.stopRecordingBytes()
            try await client.startReading()
            try await waitUntil(timeout: .seconds(30)) { client.receivedByteCount >= total || client.isClosed }
            #expect(client.receivedByteCount >= total, "the response was cut after \(client.receivedByteCount) bytes")
        }
    }
}
