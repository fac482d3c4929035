import Foundation
import SluiceProxy
import SluiceRouting
import SluiceTestSupport
import Testing

/// `proxy-body-size` through the real proxy: a body declared too large is refused `413` before
/// any upstream is asked; one that grows too large (chunked, HTTP/2 DATA without a length) ends
/// its exchange with `413` and the upstream never gets its end; under the limit, or with `0`, the
/// body goes through.
@Suite("Proxy: request body size")
struct ProxyBodySizeTests {
    private static let limited = RoutePolicy(maxRequestBodyBytes: 1000)
    /// A refused upload's connection lingers this long after the client's last byte.
    private static let quickClose = ProxyConfiguration(lingeringTimeout: .milliseconds(200))

    @Test func aDeclaredLengthOverTheLimitIs413BeforeTheUpstream() async throws {
        let recorder = UpstreamUploadRecorder()
        try await withProxy(upstream: .upload(recorder: recorder), policy: Self.limited, configuration: Self.quickClose) { proxy, upstream in
            let client = try await proxy.connect()
            try await client.send("POST /upload HTTP/1.1\r\nHost: example.com\r\nContent-Length: 1001\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.status == 413)
            #expect(response.header("connection") == "close")
            #expect(response.bodyText == "request body too large\n")
            try await client.waitForClose()
            #expect(upstream.acceptedConnections == 0)
        }
    }

    @Test func aChunkedBodyGrowingPastTheLimitIs413() async throws {
        let recorder = UpstreamUploadRecorder()
        try await withProxy(upstream: .upload(recorder: recorder), policy: Self.limited, configuration: Self.quickClose) { proxy, _ in
            let client = try await proxy.connect()
            let chunk = "258\r\n" + String(repeating: "a", count: 600) + "\r\n"
            try await client.send("POST /upload HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk)
            try await waitUntil { recorder.receivedBytes == 600 }
            try await client.send(chunk + "0\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.status == 413)
            #expect(response.header("connection") == "close")
            try await client.waitForClose()
            #expect(recorder.receivedBytes == 600, "nothing past the limit goes upstream")
        }
    }

    /// Past the limit after the response started, the exchange is cut: the client sees its
    /// connection close before the response's end.
    @Test func aBodyGrowingPastTheLimitAfterTheResponseStartedIsCut() async throws {
        let head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n"
        try await withProxy(upstream: .answerAtHead(head), policy: Self.limited, configuration: Self.quickClose) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send("POST /upload HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\r\n")
            try await client.waitForText("ok")
            try await client.send("3e9\r\n" + String(repeating: "a", count: 1001) + "\r\n")
            try await client.waitForClose()
            #expect(!client.receivedText.contains("0\r\n\r\n"), "the response was not ended as if whole")
        }
    }

    @Test(arguments: [
        (RoutePolicy(maxRequestBodyBytes: 1000), ProxyConfiguration(maxRequestBodyBytes: 10), 1000),
        (RoutePolicy(maxRequestBodyBytes: 0), ProxyConfiguration(maxRequestBodyBytes: 10), 5000),
        (RoutePolicy(), ProxyConfiguration(maxRequestBodyBytes: 0), 2 << 20),
        (RoutePolicy(), ProxyConfiguration(maxRequestBodyBytes: 1 << 20), 1 << 20),
    ])
    func aBodyWithinTheLimitOrUnlimitedGoesThrough(policy: RoutePolicy, configuration: ProxyConfiguration, size: Int) async throws {
        let recorder = UpstreamUploadRecorder()
        try await withProxy(upstream: .upload(recorder: recorder), policy: policy, configuration: configuration) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send("POST /upload HTTP/1.1\r\nHost: example.com\r\nContent-Length: \(size)\r\n\r\n")
            try await client.send([UInt8](repeating: UInt8(ascii: "b"), count: size))
            let response = try await client.readResponse()
            #expect(response.status == 200)
            #expect(recorder.receivedBytes == size)
        }
    }

    /// The proxy's own limit (`--proxy-body-size`, 1m by default) holds for a route without one.
    @Test func theProxysLimitHoldsWithoutTheAnnotation() async throws {
        try await withProxy(upstream: .echo, configuration: ProxyConfiguration(maxRequestBodyBytes: 100)) { proxy, upstream in
            let client = try await proxy.connect()
            try await client.send("POST / HTTP/1.1\r\nHost: example.com\r\nContent-Length: 101\r\n\r\n")
            #expect(try await client.readResponse().status == 413)
            #expect(upstream.acceptedConnections == 0)
        }
    }

    /// Over HTTP/2 (curl, h2c): with a length, `413` from the head; without one, counted as DATA
    /// arrives; under the limit, served.
    @Test func overHTTP2() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-body-\(UUID().uuidString)")
        try Data(repeating: UInt8(ascii: "c"), count: 3000).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let recorder = UpstreamUploadRecorder()
        try await withProxy(
            upstream: .upload(recorder: recorder), policy: RoutePolicy(maxRequestBodyBytes: 2000),
            configuration: ProxyConfiguration(h2c: true)
        ) { proxy, _ in
            let url = "http://127.0.0.1:\(proxy.port)/upload"
            let base = ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "--http2-prior-knowledge", "-H", "Host: example.com"]
            let declared = try await CurlProcess.run(base + ["--data-binary", "@\(file.path)", url])
            #expect(declared.stdout == "413", "\(declared.stderr)")
            #expect(recorder.receivedBytes == 0)
            let counted = try await CurlProcess.run(base + ["-H", "Content-Length:", "--data-binary", "@\(file.path)", url])
            #expect(counted.stdout == "413", "\(counted.stderr)")
            #expect(recorder.receivedBytes <= 2000)
            let small = try await CurlProcess.run(base + ["--data-binary", "small", url])
            #expect(small.stdout == "200", "\(small.stderr)")
        }
    }
}
