import NIOCore
import NIOEmbedded
import Testing

@testable import SluiceProxy

/// With h2c on, a plain connection's first bytes decide its protocol.
@Suite("HTTP/2 preface sniffer")
struct HTTP2PrefaceSnifferTests {
    private static let preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

    @Test(arguments: [
        ("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", HTTP2PrefaceSniffer.Verdict.http2),
        ("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\u{4}", .http2),
        ("PRI * HTTP/2", .undecided),
        ("", .undecided),
        ("GET / HTTP/1.1\r\n", .http1),
        ("P", .undecided),
        ("PUT / HTTP/1.1\r\n", .http1),
        ("PRI * HTTP/1.1\r\n", .http1),
    ])
    func verdict(bytes: String, expected: HTTP2PrefaceSniffer.Verdict) {
        #expect(HTTP2PrefaceSniffer.verdict(ByteBuffer(string: bytes)) == expected)
    }

    /// The preface in pieces: nothing is decided, or handed on, until it is whole; then the
    /// protocol's pipeline gets every byte, and the sniffer is gone.
    @Test func bytesWaitForTheVerdictAndAreHandedOnWhole() throws {
        let channel = EmbeddedChannel()
        let verdicts = NIOLoopBoundBox<[HTTP2PrefaceSniffer.Verdict]>([], eventLoop: channel.embeddedEventLoop)
        try channel.pipeline.syncOperations.addHandler(
            HTTP2PrefaceSniffer(timeout: .seconds(5)) { _, verdict in verdicts.value.append(verdict) })
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        try channel.writeInbound(ByteBuffer(string: "PRI * HT"))
        #expect(verdicts.value.isEmpty)
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
        try channel.writeInbound(ByteBuffer(string: "TP/2.0\r\n\r\nSM\r\n\r\n\0\0"))
        #expect(verdicts.value == [.http2])
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: Self.preface + "\0\0"))
        #expect(throws: (any Error).self) { try channel.pipeline.syncOperations.handler(type: HTTP2PrefaceSniffer.self) }
    }

    /// A client that says too little to tell within the timeout is closed.
    @Test func aSilentClientIsClosed() throws {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(HTTP2PrefaceSniffer(timeout: .seconds(5)) { _, _ in })
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        try channel.writeInbound(ByteBuffer(string: "PR"))
        channel.embeddedEventLoop.advanceTime(by: .seconds(6))
        #expect(!channel.isActive)
    }
}
