import NIOCore
import SluiceProxy
import SluiceRouting
import SluiceTestSupport
import Testing

@Suite("Proxy streaming")
struct ProxyStreamingTests {
    /// The upstream sends event i+1 only after the client received event i: a proxy that
    /// buffers anything deadlocks here and the wait times out.
    @Test func eventStreamIsForwardedInLockstep() async throws {
        let permits = UpstreamPermits()
        try await withProxy(upstream: .eventStream(count: 20, permits: permits)) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send(get("/events"))
            try await client.waitForText("\r\n\r\n")
            let head = client.receivedText
            #expect(head.hasPrefix("HTTP/1.1 200"))
            #expect(head.lowercased().contains("x-accel-buffering: no"))
            #expect(head.lowercased().contains("content-type: text/event-stream"))
            #expect(!head.lowercased().contains("content-length"))
            for i in 0..<20 {
                permits.grant()
                try await client.waitForText("data: event \(i)\n\n")
            }
            try await client.waitForText("\r\n0\r\n\r\n")
            #expect(!client.isClosed)
        }
    }

    @Test func pathDeclaredStreamIsTreatedAsEventStream() async throws {
        let permits = UpstreamPermits()
        let policy = RoutePolicy(eventStreamPaths: ["/sse-plain"])
        try await withProxy(upstream: .eventStream(count: 3, permits: permits), policy: policy) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send(get("/sse-plain/feed"))
            try await client.waitForText("\r\n\r\n")
            #expect(client.receivedText.lowercased().contains("x-accel-buffering: no"))
            for i in 0..<3 {
                permits.grant()
                try await client.waitForText("data: event \(i)\n\n")
            }
        }
    }

    /// A body delimited by the connection's close ends cleanly only at a FIN. An upstream that
    /// resets the connection (RST) cut the response short: the client's chunked body must not get
    /// its last chunk, so that the client sees a truncated response, not a complete one (nginx
    /// drops the client connection too). The read error used to close the channel, and NIO's
    /// decoder then ended the message at the close as if it had been a FIN.
    @Test(arguments: ["text/plain", "text/event-stream"])
    func anUpstreamResetIsNotRelayedAsTheEndOfACloseDelimitedBody(_ contentType: String) async throws {
        let permits = UpstreamPermits()
        try await withProxy(
            upstream: .scriptThenReset(["HTTP/1.1 200 OK\r\nContent-Type: \(contentType)\r\n\r\ndata: partial\n\n"], permits: permits)
        ) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send(get("/answer"))
            try await client.waitForText("data: partial\n\n")
            permits.grant()
            try await client.waitForClose()
            #expect(client.receivedText.lowercased().contains("transfer-encoding: chunked"))
            #expect(!client.receivedText.hasSuffix("0\r\n\r\n"), "\(client.receivedText)")
        }
    }

    /// The same body ended by a FIN is complete: the client gets the last chunk.
    @Test func anUpstreamCloseEndsACloseDelimitedBody() async throws {
        try await withProxy(
            upstream: .script(["HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nwhole"])
        ) { proxy, upstream in
            let client = try await proxy.connect()
            try await client.send(get("/answer"))
            try await client.waitForText("whole")
            #expect(!client.receivedText.hasSuffix("0\r\n\r\n"))
            await upstream.stop()
            try await client.waitForText("whole\r\n0\r\n\r\n")
        }
    }

    /// The upstream must see chunk i before the client sends chunk i+1.
    @Test func chunkedUploadIsForwardedInLockstep() async throws {
        let recorder = UpstreamUploadRecorder()
        try await withProxy(upstream: .upload(recorder: recorder)) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send("POST /upload HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\r\n")
            var expected = ""
            for i in 0..<10 {
                let chunk = "chunk-\(i);"
                expected += chunk
                try await client.send(String(chunk.utf8.count, radix: 16) + "\r\n" + chunk + "\r\n")
                try await waitUntil { recorder.receivedText == expected }
            }
            try await client.send("0\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.status == 200)
            #expect(response.bodyText == "received \(expected.utf8.count) bytes\n")
        }
    }

    @Test func contentLengthUploadArrivesWhole() async throws {
        let recorder = UpstreamUploadRecorder()
        try await withProxy(upstream: .upload(recorder: recorder)) { proxy, _ in
            let client = try await proxy.connect()
            let body = String(repeating: "0123456789", count: 50_000)
            try await client.send(request("PUT", "/big", body: body))
            let response = try await client.readResponse()
            #expect(response.bodyText == "received 500000 bytes\n")
            #expect(recorder.receivedText == body)
        }
    }
}

/// Waits until `condition` holds; fails the test (throws) after `timeout`.
func waitUntil(timeout: Duration = .seconds(10), _ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < deadline else { throw WaitTimeout() }
        try await Task.sleep(for: .milliseconds(2))
    }
}

struct WaitTimeout: Error, CustomStringConvertible {
    var description: String { "condition not met in time" }
}

@Suite("Proxy stream timeouts")
struct ProxyStreamTimeoutTests {
    @Test func silentEventStreamIsClosedAfterStreamIdleTimeout() async throws {
        let permits = UpstreamPermits()
        let policy = RoutePolicy(readTimeout: .seconds(30), streamIdleTimeout: .milliseconds(300))
        try await withProxy(
            upstream: .eventStream(count: 3, permits: permits, freeEvents: 1),
            policy: policy
        ) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send(get("/events"))
            try await client.waitForText("data: event 0\n\n")
            try await client.waitForClose()
            #expect(!client.receivedText.contains("\r\n0\r\n\r\n"))
        }
    }

    @Test func maxStreamDurationEndsTheStream() async throws {
        let permits = UpstreamPermits()
        // A second: the first event must get through before the cap, on a loaded machine too.
        let policy = RoutePolicy(maxStreamDuration: .seconds(1))
        try await withProxy(
            upstream: .eventStream(count: 3, permits: permits, freeEvents: 1),
            policy: policy
        ) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send(get("/events"))
            try await client.waitForText("data: event 0\n\n")
            try await client.waitForClose()
            #expect(client.receivedText.hasSuffix("data: event 0\n\n\r\n"), "the capped stream is cut: no terminating chunk")
            #expect(proxy.metrics.prometheusText().contains(
                #"sluice_streams_ended_total{namespace="default",ingress="test",service="app",kind="sse",reason="max_duration"} 1\#n"#))
        }
    }

    @Test func headRequestGetsHeadOnly() async throws {
        try await withProxy(upstream: .echo) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send(request("HEAD", "/h"))
            let head = try await client.readResponse(headRequest: true)
            #expect(head.status == 200)
            #expect(head.header("content-length") != nil)
            try await client.send(get("/after"))
            let next = try await client.readResponse()
            #expect(next.bodyText.hasPrefix("GET /after "))
        }
    }
}
