import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import SluiceProxy

/// The client connection's decoder against NIO's own, on whole connections: pipelined requests,
/// plain ones and ones it hands to NIO's decoder, cut into reads at random places. Both must yield
/// the same parts (bodies compared as bytes, however they were cut) and the same error.
@Suite("Client request decoder")
struct ClientRequestDecoderTests {
    private static var limits: NIOHTTPDecoderLimitConfiguration {
        var limits = NIOHTTPDecoderLimitConfiguration()
        limits.maxHeaderListSize = PlainRequestHeadTests.maxBytes
        limits.maxHeaderFieldSize = PlainRequestHeadTests.maxBytes
        return limits
    }

    /// What a decoder yields for one connection, consecutive body parts joined.
    enum Decoded: Equatable, CustomStringConvertible {
        case head(String)
        case body([UInt8])
        case end
        case error(String)

        var description: String {
            switch self {
            case .head(let head): return "head(\(head))"
            case .body(let bytes): return "body(\(bytes.count) bytes)"
            case .end: return "end"
            case .error(let error): return "error(\(error))"
            }
        }
    }

    /// Feeds `reads` to a channel whose decoder is ours (`plain`) or NIO's alone.
    private static func decode(_ reads: [[UInt8]], plain: Bool) throws -> (parts: [Decoded], channel: EmbeddedChannel) {
        let channel = EmbeddedChannel()
        let decoder: any ChannelHandler =
            plain ? ClientRequestDecoder(limits: limits) : ClientRequestDecoder.makeNIODecoder(limits: limits)
        try channel.pipeline.syncOperations.addHandler(decoder)
        var parts: [Decoded] = []
        func collect() {
            while let part = try? channel.readInbound(as: HTTPServerRequestPart.self) {
                switch part {
                case .head(let head):
                    let fields = head.headers.map { "\($0.name): \($0.value)" }.joined(separator: "|")
                    parts.append(.head("\(head.method) \(head.uri) \(head.version) [\(fields)] keepAlive=\(head.isKeepAlive)"))
                case .body(let body):
                    if case .body(let earlier) = parts.last {
                        parts[parts.count - 1] = .body(earlier + Array(body.readableBytesView))
                    } else {
                        parts.append(.body(Array(body.readableBytesView)))
                    }
                case .end: parts.append(.end)
                }
            }
        }
        for read in reads {
            do {
                try channel.writeInbound(ByteBuffer(bytes: read))
            } catch {
                collect()
                parts.append(.error("\(error)"))
                return (parts, channel)
            }
            collect()
        }
        return (parts, channel)
    }

    /// The parts up to the end of the first request that closes the connection: NIO's decoder
    /// rejects what follows it, the plain decoder drops it, and the connection closes either way.
    private static func upToClose(_ parts: [Decoded]) -> [Decoded] {
        var closing = false
        for (index, part) in parts.enumerated() {
            if case .head(let head) = part { closing = head.hasSuffix("keepAlive=false") }
            if part == .end, closing { return Array(parts[...index]) }
        }
        return parts
    }

    static let chunkedUpload = "POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
    static let requests = PlainRequestHeadTests.accepted + [
        chunkedUpload,
        "GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
        "GET /a#frag HTTP/1.1\r\nHost: a\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc",
        "GET / HTTP/1.1\r\nHost : a\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nProxy-Connection: close\r\n\r\n",
    ]

    @Test func plainRequestsNeverSetUpNIOsDecoder() throws {
        let kept = PlainRequestHeadTests.accepted.filter { !$0.lowercased().contains("close") && !$0.hasPrefix("HEAD / HTTP/1.0") }
        let (parts, channel) = try Self.decode([Array(kept.joined().utf8)], plain: true)
        defer { _ = try? channel.finish() }
        #expect(kept.count >= 6)
        #expect(parts.filter { $0 == .end }.count == kept.count)
        #expect(!parts.contains { if case .error = $0 { true } else { false } })
        #expect((try? channel.pipeline.syncOperations.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)) == nil)
    }

    @Test func aDeclinedRequestHandsTheRestOfTheConnectionToNIOsDecoder() throws {
        let stream = Self.requests[0] + Self.chunkedUpload + Self.requests[0]
        let (parts, channel) = try Self.decode([Array(stream.utf8)], plain: true)
        defer { _ = try? channel.finish() }
        #expect(parts == (try Self.decode([Array(stream.utf8)], plain: false).parts))
        #expect(parts.filter { $0 == .end }.count == 3)
        #expect((try? channel.pipeline.syncOperations.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)) != nil)
    }

    @Test func aHeadCutAcrossReadsGoesToNIOsDecoder() throws {
        let text = Self.requests[2]  // a POST with a body
        let (parts, channel) = try Self.decode(text.utf8.map { [$0] }, plain: true)
        defer { _ = try? channel.finish() }
        #expect(parts == (try Self.decode([Array(text.utf8)], plain: false).parts))
        #expect(parts.last == .end)
        #expect((try? channel.pipeline.syncOperations.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)) != nil)
    }

    @Test func aBodyCutAcrossReadsStaysWithThePlainDecoder() throws {
        let head = "POST /api/chat HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n"
        let reads = [Array((head + "01").utf8), Array("234".utf8), Array("56789".utf8) + Array(Self.requests[0].utf8)]
        let (parts, channel) = try Self.decode(reads, plain: true)
        defer { _ = try? channel.finish() }
        #expect(parts == (try Self.decode(reads, plain: false).parts))
        #expect(parts.count == 5)
        #expect(parts[1] == .body(Array("0123456789".utf8)))
        #expect((try? channel.pipeline.syncOperations.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)) == nil)
    }

    @Test func bytesAfterARequestThatClosesTheConnectionAreDropped() throws {
        let stream = "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n" + "GET /next HTTP/1.1\r\nHost: a\r\n\r\n"
        let (parts, channel) = try Self.decode([Array(stream.utf8)], plain: true)
        defer { _ = try? channel.finish() }
        #expect(parts.count == 2)
        #expect(parts.last == .end)
    }

    @Test func anOversizedHeadGetsNIOsOverflowError() throws {
        let filler = String(repeating: "x", count: PlainRequestHeadTests.maxBytes)
        let text = "GET / HTTP/1.1\r\nHost: a\r\nX-Big: \(filler)\r\n\r\n"
        let reads = stride(from: 0, to: text.utf8.count, by: 1000).map { Array(Array(text.utf8)[$0..<min($0 + 1000, text.utf8.count)]) }
        let (parts, channel) = try Self.decode(reads, plain: true)
        defer { _ = try? channel.finish() }
        #expect(parts == [.error("\(HTTPParserError.headerOverflow)")])
    }

    /// Random connections: one to four requests from the list, sometimes mutated, cut into random
    /// reads.
    @Test func randomConnectionsDecodeAsNIOsDecoderDecodesThem() throws {
        var random = RequestIDGenerator(seed: 0xdec0_de00)
        let alphabet = Array("\r\n\t :,0a-".utf8) + [0, 0x80]
        var plainConnections = 0
        for _ in 0..<1_500 {
            var requests: [[UInt8]] = []
            for _ in 0..<Int(1 + random.next() % 4) {
                requests.append(Array(Self.requests[Int(random.next() % UInt64(Self.requests.count))].utf8))
            }
            if random.next() % 2 == 0 {
                let which = Int(random.next() % UInt64(requests.count))
                let position = Int(random.next() % UInt64(requests[which].count))
                requests[which][position] = alphabet[Int(random.next() % UInt64(alphabet.count))]
            }
            let stream = requests.flatMap { $0 }
            // Half the connections read a request at a time, as clients write them; the others
            // are cut anywhere.
            var reads: [[UInt8]] = requests
            if random.next() % 2 == 0 {
                reads = []
                var start = 0
                while start < stream.count {
                    let length = Int(1 + random.next() % 64)
                    reads.append(Array(stream[start..<min(stream.count, start + length)]))
                    start += length
                }
            }
            let ours = try Self.decode(reads, plain: true)
            let theirs = try Self.decode(reads, plain: false)
            defer {
                _ = try? ours.channel.finish()
                _ = try? theirs.channel.finish()
            }
            let expected = Self.upToClose(theirs.parts)
            let description = String(decoding: stream, as: UTF8.self).debugDescription
            #expect(Self.upToClose(ours.parts) == expected, "\(description)")
            if (try? ours.channel.pipeline.syncOperations.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)) == nil {
                plainConnections += 1
            }
        }
        // Many connections were decoded by the plain decoder alone: the comparison covers it.
        #expect(plainConnections > 200)
    }
}
