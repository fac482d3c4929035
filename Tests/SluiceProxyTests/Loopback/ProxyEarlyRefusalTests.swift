import SluiceProxy
import SluiceRouting
import SluiceTestSupport
import Testing

/// An upstream that refuses an upload at its head (`413`) and stops reading: the rest of the
/// upload is dropped by the proxy, not held for that upstream, so a client that sends its whole
/// body before it reads gets the refusal at once instead of waiting for a send timeout.
@Suite("Proxy early refusal")
struct ProxyEarlyRefusalTests {
    /// A refusal the client's socket cannot take whole while it is not reading, so that its end
    /// waits for the client: decoded and framed again (`Content-Length`), or an event stream
    /// relayed as the upstream chunked it.
    static let refusalBody = 32 * 1024 * 1024
    static let refusals = [
        "HTTP/1.1 413 Payload Too Large\r\nContent-Length: \(refusalBody)\r\n\r\n" + String(repeating: "r", count: refusalBody),
        "HTTP/1.1 413 Payload Too Large\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
            + String(refusalBody, radix: 16) + "\r\n" + String(repeating: "r", count: refusalBody) + "\r\n0\r\n\r\n",
    ]

    @Test(arguments: refusals)
    func aClientThatUploadsEverythingBeforeReadingGetsTheRefusal(_ refusal: String) async throws {
        let refusalBody = Self.refusalBody
        try await withProxy(upstream: .answerAtHead(refusal)) { proxy, _ in
            let client = try await proxy.connect(autoRead: false)
            // More than every socket buffer on the way can hold (up to about 6 MiB each on loopback,
            // four of them), and little enough to send in time in a debug build beside the rest of
            // the suite.
            let upload = 64 * 1024 * 1024
            try await client.send("PUT /upload HTTP/1.1\r\nHost: example.com\r\nContent-Length: \(upload)\r\n\r\n")
            // The whole body goes out before the client reads a byte: held for the upstream (which
            // reads nothing more), it would stall here until the 60 s send timeout.
            try await withTimeout(seconds: 45) {
                let chunk = [UInt8](repeating: UInt8(ascii: "u"), count: 1024 * 1024)
                for _ in 0..<(upload / chunk.count) { try await client.send(chunk) }
            }
            try await client.startReading()
            let response = try await client.readResponse(timeout: .seconds(20))
            #expect(response.status == 413)
            #expect(response.body.count == refusalBody)
            #expect(response.header("connection") == "close")
            try await client.waitForClose(timeout: .seconds(20))
        }
    }
}
