import SluiceProxy
import SluiceRouting
import SluiceTestSupport
import Testing

/// A response that ends the connection while the client is still uploading (an upstream that
/// refuses the upload at its head) must reach the client whole: the proxy drops the rest of the
/// upload instead of closing with it unread, which would reset the connection under the response
/// (`LingeringClose`).
@Suite("Proxy lingering close")
struct ProxyLingeringCloseTests {
    private static func refusal(bodyBytes: Int) -> String {
        "HTTP/1.1 413 Payload Too Large\r\nContent-Length: \(bodyBytes)\r\n\r\n" + String(repeating: "r", count: bodyBytes)
    }

    private static let uploadHead = "PUT /upload HTTP/1.1\r\nHost: example.com\r\nContent-Length: 1073741824\r\n\r\n"

    /// The case as it happens: the client uploads and reads at once. Closing with the upload
    /// unread loses the end of the refusal most of the time, not always (it depends on how much
    /// of it is still in the proxy's socket buffer when the reset goes out); the next test
    /// checks the lingering itself.
    @Test func earlyRefusalOfAnUploadReachesTheClientWhole() async throws {
        let size = 1024 * 1024
        try await withProxy(upstream: .answerAtHead(Self.refusal(bodyBytes: size))) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send(Self.uploadHead)
            // Uploads until the proxy ends the response, as a client does that sends and reads at once.
            let uploader = Task {
                let chunk = [UInt8](repeating: UInt8(ascii: "u"), count: 64 * 1024)
                while !client.isClosed { try await client.send(chunk) }
            }
            let response = try await client.readResponse(timeout: .seconds(30))
            #expect(response.status == 413)
            #expect(response.body.count == size, "the whole refusal arrives, not a reset part of it")
            #expect(response.header("connection") == "close")
            try await client.waitForClose(timeout: .seconds(30))
            _ = await uploader.result
            await client.close()
            try await waitUntil { proxy.metrics.openClientConnections == 0 }
        }
    }

    /// After the response, the proxy's side is shut down (the client sees the end at once); a
    /// client that sends nothing more is closed after `lingeringTimeout`.
    @Test func silentClientIsClosedAfterTheLingeringTimeout() async throws {
        try await withProxy(
            upstream: .answerAtHead(Self.refusal(bodyBytes: 10)),
            configuration: ProxyConfiguration(lingeringTimeout: .milliseconds(300))
        ) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send(Self.uploadHead + "0123456789")
            let response = try await client.readResponse()
            #expect(response.status == 413)
            try await client.waitForClose()
            try await waitUntil { proxy.metrics.openClientConnections == 0 }
        }
    }

    /// The refusal has arrived and the proxy's side is shut down, but the client goes on with its
    /// upload (as a client does that writes the whole request before reading): the proxy reads
    /// and drops it rather than resetting the connection, and closes once the client closes its
    /// side.
    @Test func uploadSentAfterTheRefusalIsDroppedUntilTheClientCloses() async throws {
        try await withProxy(
            upstream: .answerAtHead(Self.refusal(bodyBytes: 10)),
            configuration: ProxyConfiguration(lingeringTimeout: .seconds(600), lingeringTime: .seconds(600))
        ) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send(Self.uploadHead + "0123456789")
            #expect(try await client.readResponse().status == 413)
            try await client.waitForClose()
            // Accepted in full only by a peer that reads it: a closed socket answers with a reset.
            try await withTimeout { try await client.send([UInt8](repeating: UInt8(ascii: "u"), count: 8 * 1024 * 1024)) }
            #expect(proxy.metrics.openClientConnections == 1)
            try await client.shutdownOutput()
            try await waitUntil { proxy.metrics.openClientConnections == 0 }
        }
    }

    /// The upstream fails mid-response while the client uploads: the client's response ends
    /// short (no reset in its place), and the rest of its upload is dropped until it stops.
    @Test func responseCutDuringAnUploadEndsWithoutAReset() async throws {
        try await withProxy(
            upstream: .answerAtHead("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial", thenClose: true)
        ) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send(Self.uploadHead + "0123456789")
            try await client.waitForText("partial")
            try await client.waitForClose()
            // Accepted in full only by a peer that reads it: a closed socket answers with a reset.
            try await withTimeout { try await client.send([UInt8](repeating: UInt8(ascii: "u"), count: 8 * 1024 * 1024)) }
            try await client.shutdownOutput()
            try await waitUntil { proxy.metrics.openClientConnections == 0 }
        }
    }

    /// A client that keeps sending is closed once `lingeringTime` has passed in all.
    @Test func clientThatKeepsSendingIsClosedAfterTheLingeringTime() async throws {
        try await withProxy(
            upstream: .answerAtHead(Self.refusal(bodyBytes: 10)),
            configuration: ProxyConfiguration(lingeringTimeout: .seconds(600), lingeringTime: .milliseconds(500))
        ) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send(Self.uploadHead + "0123456789")
            #expect(try await client.readResponse().status == 413)
            let trickle = Task {
                while !Task.isCancelled {
                    try await client.send("u")
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            try await waitUntil { proxy.metrics.openClientConnections == 0 }
            trickle.cancel()
            _ = await trickle.result
        }
    }
}
