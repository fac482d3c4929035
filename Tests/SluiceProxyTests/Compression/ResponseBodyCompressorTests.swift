import NIOCore
import Testing

@testable import SluiceProxy

/// `ResponseBodyCompressor` against zlib's own inflate: what a client decodes is what went in.
@Suite("Response body compressor")
struct ResponseBodyCompressorTests {
    /// Every part through the compressor, with a flush after each `flushEvery` parts, and the end.
    private static func compressed(_ parts: [String], coding: AcceptEncoding, flushEvery: Int = .max) -> [UInt8] {
        let compressor = ResponseBodyCompressor(coding: coding)
        var out: [UInt8] = []
        for (index, part) in parts.enumerated() {
            compressor.compress(ByteBuffer(string: part))
            if (index + 1) % flushEvery == 0, let bytes = compressor.flush() { out += Array(buffer: bytes) }
        }
        if let bytes = compressor.finish() { out += Array(buffer: bytes) }
        return out
    }

    private static let text = (0..<200).map { "line \($0): the quick brown fox jumps over the lazy dog\n" }.joined()

    @Test(arguments: [AcceptEncoding.gzip, .deflate])
    func aBodyRoundTrips(coding: AcceptEncoding) throws {
        let bytes = Self.compressed([Self.text], coding: coding)
        #expect(bytes.count < Self.text.utf8.count / 4)
        #expect(try #require(inflate(bytes, windowBits: coding.windowBits)) == Array(Self.text.utf8))
    }

    /// The wrappers are the codings' own: gzip's magic bytes, zlib's header for deflate (RFC
    /// 1950, as NIO's compressor sent and browsers expect).
    @Test func eachCodingHasItsFormatsHeader() {
        #expect(Array(Self.compressed(["x"], coding: .gzip).prefix(2)) == [0x1f, 0x8b])
        let zlib = Self.compressed(["x"], coding: .deflate)
        #expect(zlib.first == 0x78 && (Int(zlib[0]) << 8 | Int(zlib[1])) % 31 == 0)
    }

    @Test(arguments: [AcceptEncoding.gzip, .deflate])
    func anEmptyBodyIsAWholeStream(coding: AcceptEncoding) throws {
        let bytes = Self.compressed([], coding: coding)
        #expect(!bytes.isEmpty)
        #expect(try #require(inflate(bytes, windowBits: coding.windowBits)).isEmpty)
    }

    @Test(arguments: [AcceptEncoding.gzip, .deflate])
    func manySmallWritesWithFlushesBetweenRoundTrip(coding: AcceptEncoding) throws {
        let parts = (0..<2000).map { "event \($0)\n" }
        for flushEvery in [1, 7, Int.max] {
            let bytes = Self.compressed(parts, coding: coding, flushEvery: flushEvery)
            #expect(try #require(inflate(bytes, windowBits: coding.windowBits)) == Array(parts.joined().utf8), "\(flushEvery)")
        }
    }

    /// More than zlib's window and its output room at once, in parts of 64 KiB, and of bytes
    /// that hardly compress (so that the output outgrows the room given for it).
    @Test(arguments: [AcceptEncoding.gzip, .deflate])
    func aLargeBodyRoundTrips(coding: AcceptEncoding) throws {
        let noise = (0..<600_000).map { _ in UInt8.random(in: 33...126) }
        let parts = stride(from: 0, to: noise.count, by: 65_536).map { start in
            String(decoding: noise[start..<min(start + 65_536, noise.count)], as: UTF8.self)
        } + [String(repeating: Self.text, count: 20)]
        let bytes = Self.compressed(parts, coding: coding, flushEvery: 3)
        #expect(try #require(inflate(bytes, windowBits: coding.windowBits)) == Array(parts.joined().utf8))
    }

    /// After a flush, the client can inflate every byte written so far: nothing of a stream is
    /// held back between read bursts.
    @Test func aFlushHandsOutEverythingSoFar() throws {
        let compressor = ResponseBodyCompressor(coding: .gzip)
        var out: [UInt8] = []
        for part in ["first part\n", "second part\n"] {
            compressor.compress(ByteBuffer(string: part))
        }
        out += Array(buffer: try #require(compressor.flush()))
        #expect(try #require(inflate(out, windowBits: 16 + 15, mustEnd: false)) == Array("first part\nsecond part\n".utf8))
        #expect(compressor.flush() == nil, "nothing new: nothing to flush")
    }
}
