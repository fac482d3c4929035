import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import SluiceProxy

/// The client side's own parser for plain request heads, against NIO's decoder: whatever it
/// accepts, NIO's decoder must accept too, with the same head and the same body length.
@Suite("Plain request head parser")
struct PlainRequestHeadTests {
    static let maxBytes = 32 * 1024

    private static func parse(_ bytes: [UInt8], maxBytes: Int = maxBytes, maxFields: Int = 100) -> PlainRequestHead.Parsed? {
        bytes.withUnsafeBytes { PlainRequestHead.parse($0, maxBytes: maxBytes, maxFields: maxFields) }
    }

    private static func parsed(_ text: String) -> PlainRequestHead.Parsed? {
        parse(Array(text.utf8))
    }

    /// What NIO's decoder makes of the first request in `bytes`: its head and how many body bytes
    /// it read before the end, or nil when it fails or yields no complete request.
    private static func nioRequest(_ bytes: [UInt8]) -> (head: HTTPRequestHead, bodyLength: Int)? {
        var limits = NIOHTTPDecoderLimitConfiguration()
        limits.maxHeaderListSize = maxBytes
        limits.maxHeaderFieldSize = maxBytes
        let channel = EmbeddedChannel(handler: ClientRequestDecoder.makeNIODecoder(limits: limits))
        defer { _ = try? channel.finish() }
        guard (try? channel.writeInbound(ByteBuffer(bytes: bytes))) != nil else { return nil }
        var head: HTTPRequestHead?
        var bodyLength = 0
        while let part = try? channel.readInbound(as: HTTPServerRequestPart.self) {
            switch part {
            case .head(let decoded): head = decoded
            case .body(let body): bodyLength += body.readableBytes
            case .end: return head.map { ($0, bodyLength) }
            }
        }
        return nil
    }

    /// Equal heads, and equal in whether the connection stays open: NIO's decoder takes that from
    /// llhttp, the plain parser's head from its fields (`HTTPRequestHead ==` compares neither).
    static func same(_ a: HTTPRequestHead, _ b: HTTPRequestHead) -> Bool {
        a.version == b.version && a.method == b.method && a.uri == b.uri && a.isKeepAlive == b.isKeepAlive
            && a.headers.map { "\($0.name)\u{0}\($0.value)" } == b.headers.map { "\($0.name)\u{0}\($0.value)" }
    }

    static let accepted = [
        "GET /bench/sse?events=1&interval_ms=0 HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\n\r\n",
        "HEAD / HTTP/1.0\r\n\r\n",
        "POST /api/chat HTTP/1.1\r\nHost: a.example\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}",
        "PUT /x HTTP/1.1\r\nhost:b\r\ncontent-length:0\r\nX-Empty:\r\nX-A: 1\r\nX-A: 2\r\n\r\n",
        "DELETE /items/42;v=1?force=true HTTP/1.1\r\nHost: c\r\nX-Odd: a\tb  c  \r\n\r\n",
        "OPTIONS /a/b/%2Fc~d_e.f-g!$&'()*+,=:@ HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n",
        "PATCH /p HTTP/1.1\r\nHost: e\r\nContent-Length: 00003\r\nExpect: 100-continue\r\n\r\nabc",
        "GET / HTTP/1.0\r\nConnection: keep-alive\r\nX-Forwarded-For: 10.0.0.1, 10.0.0.2\r\n\r\n",
        "GET /k HTTP/1.0\r\nHost: k\r\nConnection:  Keep-Alive \r\n\r\n",
        "GET /k HTTP/1.1\r\nHost: k\r\nConnection: keep-alive, Close\r\n\r\n",
        "GET /k HTTP/1.1\r\nHost: k\r\nConnection: te,close\r\nTE: trailers\r\n\r\n",
    ]

    @Test(arguments: accepted)
    func aPlainRequestParsesAsNIOsDecoderParsesIt(_ text: String) throws {
        let ours = try #require(Self.parsed(text))
        let theirs = try #require(Self.nioRequest(Array(text.utf8)))
        #expect(Self.same(ours.head, theirs.head))
        #expect(ours.bodyLength == theirs.bodyLength)
        #expect(ours.headLength + ours.bodyLength == text.utf8.count)
    }

    @Test func fieldsKeepTheirNamesOrderAndValuesAsSent() throws {
        let parsed = try #require(Self.parsed("GET /a?b=c HTTP/1.1\r\nX-B:  two words \r\nhost:h\r\nContent-Length: 12\r\n\r\n"))
        #expect(parsed.head.method == .GET)
        #expect(parsed.head.uri == "/a?b=c")
        #expect(parsed.head.version == .http1_1)
        #expect(parsed.head.headers.map(\.name) == ["X-B", "host", "Content-Length"])
        #expect(parsed.head.headers.map(\.value) == ["two words ", "h", "12"])
        #expect(parsed.bodyLength == 12)
    }

    static let declined = [
        // Methods, targets and versions it leaves to NIO.
        "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n",
        "TRACE / HTTP/1.1\r\nHost: a\r\n\r\n",
        "get / HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET http://a.example/ HTTP/1.1\r\nHost: a.example\r\n\r\n",
        "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET /a#frag HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET /a\"b HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET /caf\u{e9} HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET  / HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET / HTTP/1.1 \r\nHost: a\r\n\r\n",
        "GET / HTTP/2.0\r\nHost: a\r\n\r\n",
        "GET / HTTP/1.2\r\nHost: a\r\n\r\n",
        "GET /\r\n\r\n",
        "\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
        // Framing it leaves to NIO, and every smuggling shape.
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\n\r\nabc",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +3\r\n\r\nabc",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3 \r\n\r\nabc",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: \r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1234567890123456789\r\n\r\n",
        "GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
        // Whether the connection stays open, where llhttp and `isKeepAlive` read fields apart.
        "GET / HTTP/1.1\r\nHost: a\r\nProxy-Connection: close\r\n\r\n",
        "GET / HTTP/1.0\r\nHost: a\r\nConnection: keep-alive\t\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n",
        // Line and field syntax.
        "GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n",
        "GET / HTTP/1.1\nHost: a\n\n",
        "GET / HTTP/1.1\r\nHost: a\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n",
        "GET / HTTP/1.1\r\nHost : a\r\n\r\n",
        "GET / HTTP/1.1\r\n: empty-name\r\n\r\n",
        "GET / HTTP/1.1\r\nX(y): a\r\n\r\n",
        "GET / HTTP/1.1\r\nX-Bad: a\u{0}b\r\n\r\n",
        "GET / HTTP/1.1\r\nX-Bad: a\u{7f}b\r\n\r\n",
        "GET / HTTP/1.1\r\nX-Bad: caf\u{e9}\r\n\r\n",
        "GET / HTTP/1.1\r\nX-No-Colon\r\n\r\n",
    ]

    @Test(arguments: declined)
    func anythingElseIsLeftToNIOsDecoder(_ text: String) {
        #expect(Self.parse(Array(text.utf8)) == nil)
    }

    @Test func aHeadThatDoesNotEndInTheBytesGivenIsLeftToNIOsDecoder() {
        let start = Array("GET / HTTP/1.1\r\nHost: a\r\nX-Long: x\r\n\r\n".utf8)
        #expect(Self.parse(start) != nil)
        for cut in 1..<start.count {
            #expect(Self.parse(Array(start[..<cut])) == nil, "cut at \(cut)")
        }
    }

    @Test func aHeadLongerThanTheLimitIsLeftToNIOsDecoderAndIts431() {
        let head = Array("GET / HTTP/1.1\r\nHost: a\r\nX: \(String(repeating: "x", count: 200))\r\n\r\n".utf8)
        #expect(Self.parse(head, maxBytes: head.count) != nil)
        #expect(Self.parse(head, maxBytes: head.count - 1) == nil)
    }

    @Test func aHeadWithMoreFieldsThanTheLimitIsLeftToNIOsDecoder() {
        let head = Array("GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\n\r\n".utf8)
        #expect(Self.parse(head, maxFields: 3) != nil)
        #expect(Self.parse(head, maxFields: 2) == nil)
    }

    /// Mutations of accepted requests (bytes replaced, inserted or deleted, drawn from the bytes
    /// the grammar turns on): every one the parser accepts, NIO's decoder accepts with the same
    /// head and body length.
    @Test func whatItAcceptsOfThousandsOfMutatedRequestsNIOsDecoderReadsTheSame() {
        var mutator = SeededMutator(
            seed: 0x5eed_f00d, alphabet: Array("\r\n \t:;,/?#%aZ0-9+\"<>{}\\|^`@".utf8) + [0, 0x7F, 0x80, 0xFF])
        var acceptedCount = 0
        for round in 0..<6_000 {
            let bytes = mutator.mutated(Array(Self.accepted[round % Self.accepted.count].utf8))
            guard let parsed = Self.parse(bytes) else { continue }
            let (ours, headLength, bodyLength) = (parsed.head, parsed.headLength, parsed.bodyLength)
            acceptedCount += 1
            let request = Array(bytes[..<min(bytes.count, headLength + bodyLength)])
            let text = String(decoding: request, as: UTF8.self).debugDescription
            guard request.count == headLength + bodyLength else { continue }  // the body lost bytes
            let theirs = Self.nioRequest(request)
            #expect(theirs != nil, "NIO's decoder rejects a request the parser accepted: \(text)")
            if let theirs {
                #expect(Self.same(ours, theirs.head), "\(text)")
                #expect(bodyLength == theirs.bodyLength, "\(text)")
            }
        }
        // The mutations leave plenty of requests intact or still valid: the comparison ran.
        #expect(acceptedCount > 1_000)
    }
}
