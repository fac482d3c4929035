import NIOCore
import NIOEmbedded
import Testing

@testable import SluiceProxy

/// `HTTP2AbuseCloser` reads the frames written and closes after an error GOAWAY only.
@Suite("HTTP/2 abuse closer")
struct HTTP2AbuseCloserTests {
    private static func frame(type: UInt8, stream: UInt32 = 0, payload: [UInt8]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(payload.count) << 8 | UInt32(type))
        buffer.moveWriterIndex(to: 3)
        buffer.writeInteger(type)
        buffer.writeInteger(UInt8(0))
        buffer.writeInteger(stream)
        buffer.writeBytes(payload)
        return buffer
    }

    private static func goAway(code: UInt32) -> ByteBuffer {
        var payload = ByteBuffer()
        payload.writeInteger(UInt32(0))
        payload.writeInteger(code)
        return frame(type: 0x7, payload: Array(payload.readableBytesView))
    }

    private static func channel() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel(handler: HTTP2AbuseCloser())
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return channel
    }

    @Test func aGracefulGoAwayAndOtherFramesCloseNothing() throws {
        let channel = try Self.channel()
        // SETTINGS, then a DATA frame whose payload is a write of its own, whose bytes look like
        // a GOAWAY header, then two frames in one buffer, the second a graceful GOAWAY.
        try channel.writeOutbound(Self.frame(type: 0x4, payload: [0, 3, 0, 0, 0, 100]))
        let lookalike = Self.goAway(code: 11)
        try channel.writeOutbound(Self.frame(type: 0x0, stream: 1, payload: []).withLength(lookalike.readableBytes))
        try channel.writeOutbound(lookalike)
        var both = Self.frame(type: 0x6, payload: Array(repeating: 0, count: 8))
        var graceful = Self.goAway(code: 0)
        both.writeBuffer(&graceful)
        try channel.writeOutbound(both)
        #expect(channel.isActive)
    }

    @Test func anErrorGoAwayClosesAfterItsFlush() throws {
        let channel = try Self.channel()
        try channel.writeOutbound(Self.frame(type: 0x4, payload: []))
        channel.write(Self.goAway(code: 11), promise: nil)
        #expect(channel.isActive, "not before the flush")
        channel.flush()
        #expect(!channel.isActive)
        var written: [ByteBuffer] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { written.append(buffer) }
        #expect(written.last == Self.goAway(code: 11), "the GOAWAY went out before the close")
    }
}

extension ByteBuffer {
    /// A frame header's length field set to `length` (the payload written separately).
    fileprivate func withLength(_ length: Int) -> ByteBuffer {
        var copy = self
        copy.setInteger(UInt8(length >> 16), at: readerIndex)
        copy.setInteger(UInt16(length & 0xFFFF), at: readerIndex + 1)
        return copy
    }
}
