import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import SluiceProxy

/// The splitter's own parser for event-stream heads, against NIO's decoder: whatever it accepts,
/// NIO's decoder must accept too, with the same head.
@Suite("Chunked response head parser")
struct ChunkedResponseHeadTests {
    private static func parse(_ text: String) -> HTTPResponseHead? {
        ChunkedResponseHead.parse(ByteBuffer(string: text))?.head
    }

    /// What NIO's response decoder makes of `bytes`, answering a GET: its head, or nil when it
    /// fails or yields no final head.
    private static func nioHead(_ bytes: [UInt8]) -> HTTPResponseHead? {
        let decoder = HTTPResponseDecoder(leftOverBytesStrategy: .forwardBytes, informationalResponseStrategy: .forward)
        decoder.write(data: .head(HTTPRequestHead(version: .http1_1, method: .GET, uri: "/")))
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(decoder))
        defer { _ = try? channel.finish() }
        guard (try? channel.writeInbound(ByteBuffer(bytes: bytes))) != nil else { return nil }
        while let part = try? channel.readInbound(as: HTTPClientResponsePart.self) {
            if case .head(let head) = part, head.status.code >= 200 { return head }
        }
        return nil
    }

    private static func same(_ a: HTTPResponseHead, _ b: HTTPResponseHead) -> Bool {
        a.version == b.version && a.status == b.status && a.status.reasonPhrase == b.status.reasonPhrase
            && a.headers.map { "\($0.name)\u{0}\($0.value)" } == b.headers.map { "\($0.name)\u{0}\($0.value)" }
    }

    static let accepted = [
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n",
        "HTTP/1.1 200 Fine\r\ncontent-type:text/event-stream\r\ntransfer-encoding:  CHUNKED \t\r\nX-Empty:\r\nX-A: 1\r\nX-A: 2\r\n\r\n",
        "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n",
        "HTTP/1.1 503 \r\nTransfer-Encoding: chunked\r\nX-Odd: a\tb  c\r\n\r\n",
        "HTTP/1.1 299 Whatever it is\r\nTransfer-Encoding: chunked\r\nCache-Control: no-cache, no-transform\r\n\r\n",
        "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n",
        "HTTP/1.1 200 OK\r\nConnection: Keep-Alive , close\r\nKeep-Alive: timeout=5\r\nTransfer-Encoding: chunked\r\n\r\n",
        "HTTP/1.1 200 OK\r\nConnection: keep-alive, X-Trace\r\nX-Trace: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX-Accel-Buffering: yes\r\nTransfer-Encoding: chunked\r\nTrailer: X-Sum\r\nTE: trailers\r\n"
            + "Upgrade: h2c\r\nProxy-Connection: close\r\nSet-Cookie: a=1\r\n\r\n",
        "HTTP/1.0 204 No Content\r\nConnection: keep-alive\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n",
    ]

    @Test(arguments: accepted)
    func aChunkedFinalHeadParsesAsNIOsDecoderParsesIt(_ text: String) throws {
        let ours = try #require(Self.parse(text))
        let theirs = try #require(Self.nioHead(Array(text.utf8)))
        #expect(Self.same(ours, theirs))
    }

    @Test func fieldsKeepTheirNamesOrderAndValuesAsNIOsDecoderDoes() throws {
        let head = try #require(Self.parse("HTTP/1.1 200 OK\r\nX-B:  two words \r\nx-a:1\r\nTransfer-Encoding: chunked\r\n\r\n"))
        #expect(head.status == .ok)
        #expect(head.headers.map(\.name) == ["X-B", "x-a", "Transfer-Encoding"])
        #expect(head.headers.map(\.value) == ["two words ", "1", "chunked"])
    }

    /// The splitter's one-pass start of an event stream: a head at the start of a read, with the
    /// body's first bytes after it.
    @Test(arguments: accepted)
    func aHeadFollowedByItsBodyParsesAsTheHeadAlone(_ text: String) throws {
        let whole = try #require(Self.parse(text))
        let prefix = try #require(ChunkedResponseHead.parsePrefix(of: ByteBuffer(string: text + "5\r\nhello\r\n")))
        #expect(Self.same(prefix.head, whole))
        #expect(prefix.bytes == ByteBuffer(string: text))
    }

    @Test func aPrefixSaysWhetherItsContentTypeIsAnEventStream() throws {
        func declares(_ contentType: String) throws -> Bool {
            let bytes = ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Type: \(contentType)\r\nTransfer-Encoding: chunked\r\n\r\ndata")
            return try #require(ChunkedResponseHead.parsePrefix(of: bytes)).declaresEventStream
        }
        #expect(try declares("text/event-stream"))
        #expect(try declares("TEXT/Event-Stream; charset=utf-8"))
        #expect(try !declares("application/json"))
        #expect(try !declares("event-strea"))
        let cut = ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n")
        #expect(ChunkedResponseHead.parsePrefix(of: cut) == nil)
    }

    static let declined = [
        "HTTP/1.1 100 Continue\r\n\r\n",
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nTransfer-Encoding: chunked\r\n\r\n",
        "HTTP/1.1 199 Early\r\nTransfer-Encoding: chunked\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n folded\r\n\r\n",
        "HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding : chunked\r\n\r\n",
        "HTTP/1.1 200 OK\r\n: empty-name\r\nTransfer-Encoding: chunked\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX-Bad: a\u{0}b\r\nTransfer-Encoding: chunked\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX-Bad: caf\u{e9}\r\nTransfer-Encoding: chunked\r\n\r\n",
        "HTTP/1.1 200\r\nTransfer-Encoding: chunked\r\n\r\n",
        "HTTP/2.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
        "HTTP/1.1 2000 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
        "HTTP/1.1 600 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nextra",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r",
    ]

    @Test(arguments: declined)
    func anythingElseIsLeftToNIOsDecoder(_ text: String) {
        #expect(Self.parse(text) == nil)
    }

    @Test func aHeadOverTheLimitIsLeftToNIOsDecoder() {
        let filler = String(repeating: "x", count: ChunkedResponseHead.maxBytes)
        #expect(Self.parse("HTTP/1.1 200 OK\r\nX-Big: \(filler)\r\nTransfer-Encoding: chunked\r\n\r\n") == nil)
    }

    /// Mutations of accepted heads (bytes replaced, inserted or deleted, drawn from the bytes the
    /// grammar turns on): every one the parser accepts, NIO's decoder accepts with the same head.
    @Test func whatItAcceptsOfThousandsOfMutatedHeadsNIOsDecoderReadsTheSame() {
        var mutator = SeededMutator(
            seed: 0x5eed_cafe, alphabet: Array("\r\n \t:;,aZ0-chunkedCHUNKED".utf8) + [0, 0x7F, 0x80, 0xFF])
        var acceptedCount = 0
        for round in 0..<4_000 {
            let bytes = mutator.mutated(Array(Self.accepted[round % Self.accepted.count].utf8))
            // The splitter hands over a head up to its first blank line.
            guard let end = Self.firstBlankLine(bytes) else { continue }
            let head = Array(bytes[..<end])
            guard let ours = ChunkedResponseHead.parse(ByteBuffer(bytes: head))?.head else { continue }
            acceptedCount += 1
            let theirs = Self.nioHead(head)
            #expect(theirs != nil, "NIO's decoder rejects a head the parser accepted: \(String(decoding: head, as: UTF8.self).debugDescription)")
            if let theirs {
                #expect(Self.same(ours, theirs), "\(String(decoding: head, as: UTF8.self).debugDescription)")
            }
        }
        // The mutations leave plenty of heads intact or still valid: the comparison ran.
        #expect(acceptedCount > 500)
    }

    /// The client head written from the upstream's bytes is, byte for byte, the one
    /// `ClientResponseHead.serializeRelayed` writes from the parsed head (itself held to what
    /// `make` and the encoder write, in `ClientResponseEncoderTests`), and the upstream
    /// connection's keep-alive is `HTTPResponseHead.isKeepAlive`'s. Listed heads, and mutations
    /// of them with `Connection` options, hop-by-hop names and case changes mixed in.
    @Test func theClientHeadWrittenFromTheUpstreamsBytesIsTheOneWrittenFromItsFields() {
        var mutator = SeededMutator(
            seed: 0xc1ea_75ed, alphabet: Array("\r\n \t:,cClosekeep-aliveKEEPXx".utf8) + [0x7F])
        var compared = 0
        var declinedForNamedFields = 0
        for round in 0..<4_000 {
            let original = Array(Self.accepted[round % Self.accepted.count].utf8)
            let bytes = round < Self.accepted.count ? original : mutator.mutated(original)
            guard let end = Self.firstBlankLine(bytes), let parsed = ChunkedResponseHead.parse(ByteBuffer(bytes: bytes[..<end]))
            else { continue }
            let head = parsed.head
            let text = String(decoding: bytes[..<end], as: UTF8.self).debugDescription
            guard parsed.serializedForClient(plan: ResponseHeadPlan(kind: .eventStream, closeClient: false, clientVersion: .http1_1), allocator: ByteBufferAllocator()) != nil else {
                declinedForNamedFields += 1
                continue
            }
            compared += 1
            #expect(parsed.upstreamKeepsAlive == head.isKeepAlive, "\(text)")
            for closeClient in [false, true] {
                let ours = parsed.serializedForClient(plan: ResponseHeadPlan(kind: .eventStream, closeClient: closeClient, clientVersion: .http1_1), allocator: ByteBufferAllocator())
                let general = ClientResponseHead.serializeRelayed(head, plan: ResponseHeadPlan(kind: .eventStream, closeClient: closeClient, clientVersion: .http1_1), allocator: ByteBufferAllocator())
                #expect(ours == general, "\(text)")
            }
        }
        #expect(compared > 500)
        // The head naming `X-Trace` in `Connection`, at least, is left to the general serializer.
        #expect(declinedForNamedFields > 0)
    }

    private static func firstBlankLine(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 3..<bytes.count
        where bytes[index - 3] == 13 && bytes[index - 2] == 10 && bytes[index - 1] == 13 && bytes[index] == 10 {
            return index + 1
        }
        return nil
    }
}
