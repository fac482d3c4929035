import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import SluiceProxy

/// The wire bytes of responses, from an `EmbeddedChannel` holding only the encoder.
@Suite("Client response encoder")
struct ClientResponseEncoderTests {
    private final class Wire {
        let encoder = ClientResponseEncoder()
        let channel: EmbeddedChannel

        init() throws {
            channel = EmbeddedChannel()
            try channel.pipeline.syncOperations.addHandler(encoder)
        }

        func write(_ part: HTTPServerResponsePart, answering method: HTTPMethod? = nil) throws {
            if case .head = part { encoder.requestMethod = method }
            try channel.writeOutbound(part)
        }

        /// Everything written so far, as text.
        func text() throws -> String {
            var all = ""
            while let data = try channel.readOutbound(as: IOData.self) {
                guard case .byteBuffer(let buffer) = data else { continue }
                all += String(buffer: buffer)
            }
            return all
        }
    }

    private static func head(_ status: HTTPResponseStatus = .ok, version: HTTPVersion = .http1_1, _ fields: [(String, String)] = []) -> HTTPServerResponsePart {
        .head(HTTPResponseHead(version: version, status: status, headers: HTTPHeaders(fields)))
    }

    private static func body(_ text: String) -> HTTPServerResponsePart {
        .body(.byteBuffer(ByteBuffer(string: text)))
    }

    @Test func aResponseWithoutLengthIsChunkedOneBufferPerPart() throws {
        let wire = try Wire()
        try wire.write(Self.head(.ok, [("Content-Type", "text/event-stream")]), answering: .GET)
        try wire.write(Self.body("data: 1\n\n"))
        try wire.write(Self.body(String(repeating: "x", count: 300)))
        try wire.write(.end(nil))
        #expect(try wire.text() == "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
            + "9\r\ndata: 1\n\n\r\n" + "12c\r\n" + String(repeating: "x", count: 300) + "\r\n" + "0\r\n\r\n")
    }

    @Test func chunkSizesAreLowercaseHex() {
        for (size, text) in [(1, "1"), (15, "f"), (16, "10"), (255, "ff"), (4096, "1000"), (65535, "ffff"), (1 << 20, "100000")] {
            var buffer = ByteBuffer()
            ChunkedFraming.writeChunkSize(size, to: &buffer)
            #expect(String(buffer: buffer) == text + "\r\n")
        }
    }

    @Test func aPartAboveTheCopyLimitIsFramedWithoutCopying() throws {
        let wire = try Wire()
        try wire.write(Self.head(), answering: .GET)
        _ = try wire.text()
        let size = ChunkedFraming.copyLimit + 1
        try wire.write(Self.body(String(repeating: "y", count: size)))
        var parts: [String] = []
        while let data = try wire.channel.readOutbound(as: IOData.self) {
            if case .byteBuffer(let buffer) = data { parts.append(String(buffer: buffer)) }
        }
        #expect(parts.count == 3)
        #expect(parts.first == String(size, radix: 16) + "\r\n")
        #expect(parts.last == "\r\n")
    }

    @Test func contentLengthWinsOverTransferEncoding() throws {
        let wire = try Wire()
        try wire.write(Self.head(.ok, [("Content-Length", "2"), ("Transfer-Encoding", "chunked")]), answering: .GET)
        try wire.write(Self.body("ok"))
        try wire.write(.end(nil))
        #expect(try wire.text() == "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
    }

    @Test func headResponsesKeepTheirFramingFieldsAndCarryNoBody() throws {
        let wire = try Wire()
        try wire.write(Self.head(.ok, [("Content-Length", "20")]), answering: .HEAD)
        let promise = wire.channel.eventLoop.makePromise(of: Void.self)
        wire.channel.write(Self.body("must not be written"), promise: promise)
        #expect(throws: NIOHTTPResponseEncoderError.self) { try promise.futureResult.wait() }
        try wire.write(.end(nil))
        #expect(try wire.text() == "HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n")

        // The next response on the connection is framed again.
        try wire.write(Self.head(.notFound), answering: .GET)
        try wire.write(Self.body("no"))
        try wire.write(.end(nil))
        #expect(try wire.text() == "HTTP/1.1 404 Not Found\r\ntransfer-encoding: chunked\r\n\r\n2\r\nno\r\n0\r\n\r\n")
    }

    @Test func bodilessStatusesLoseTheirFramingFields() throws {
        for status in [HTTPResponseStatus.noContent, .notModified, .switchingProtocols] {
            let wire = try Wire()
            try wire.write(Self.head(status, [("Content-Length", "5"), ("Transfer-Encoding", "chunked"), ("ETag", "\"a\"")]), answering: .GET)
            try wire.write(.end(nil))
            #expect(try wire.text() == "HTTP/1.1 \(status.code) \(status.reasonPhrase)\r\nETag: \"a\"\r\n\r\n")
        }
    }

    @Test func http10ResponsesAreNotChunked() throws {
        let wire = try Wire()
        try wire.write(Self.head(.ok, version: .http1_0, [("Connection", "close")]), answering: .GET)
        try wire.write(Self.body("old"))
        try wire.write(.end(nil))
        #expect(try wire.text() == "HTTP/1.0 200 OK\r\nConnection: close\r\n\r\nold")
    }

    /// Without a length, a response to `GET` would end with a last chunk; the `HEAD` response
    /// after the interim head must not, so the interim head must not have used up the method.
    @Test func anInterimHeadLeavesTheFinalHeadItsMethod() throws {
        let wire = try Wire()
        wire.encoder.requestMethod = .HEAD
        try wire.channel.writeOutbound(Self.head(.continue))
        try wire.channel.writeOutbound(Self.head(.ok))
        try wire.write(.end(nil))
        #expect(try wire.text() == "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n")
    }

    @Test func trailersFollowTheLastChunk() throws {
        let wire = try Wire()
        try wire.write(Self.head(), answering: .GET)
        try wire.write(Self.body("a"))
        try wire.write(.end(HTTPHeaders([("Checksum", "1")])))
        #expect(try wire.text() == "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1\r\na\r\n0\r\nChecksum: 1\r\n\r\n")
    }

    /// The bytes NIO's own encoder would write for the same parts (the encoder replaced it).
    @Test func headsMatchNIOsEncoder() throws {
        let ours = try Wire()
        let theirs = EmbeddedChannel()
        try theirs.pipeline.syncOperations.addHandler(HTTPResponseEncoder())
        let parts: [HTTPServerResponsePart] = [
            Self.head(.ok, [("Content-Type", "text/plain"), ("X-Upstream", "a")]), Self.body("hello"), .end(nil),
            Self.head(HTTPResponseStatus(statusCode: 299, reasonPhrase: "Custom"), [("Content-Length", "0")]), .end(nil),
            Self.head(.notFound, version: .http1_0, [("Empty", ""), ("Content-Length", "0")]), .end(nil),
            Self.head(HTTPResponseStatus(statusCode: 599, reasonPhrase: ""), [("Content-Length", "0")]), .end(nil),
        ]
        for part in parts {
            if case .head = part { ours.encoder.requestMethod = .GET }
            try ours.channel.writeOutbound(part)
            try theirs.writeOutbound(part)
        }
        var expected = ""
        while let data = try theirs.readOutbound(as: IOData.self) {
            if case .byteBuffer(let buffer) = data { expected += String(buffer: buffer) }
        }
        #expect(try ours.text() == expected)
    }

    /// Upstream heads of relayed event streams: hop-by-hop fields, fields `Connection` names, the
    /// upstream's own `X-Accel-Buffering`, a status without a standard reason phrase.
    static let relayedHeads: [[(String, String)]] = [
        [("Content-Type", "text/event-stream"), ("Transfer-Encoding", "chunked")],
        [("content-type", "text/event-stream"), ("Connection", "keep-alive, X-Trace"), ("X-Trace", "1"),
         ("Keep-Alive", "timeout=5"), ("transfer-encoding", "chunked"), ("Cache-Control", "no-cache")],
        [("Content-Type", "text/event-stream"), ("X-Accel-Buffering", "yes"), ("Transfer-Encoding", "chunked"),
         ("Trailer", "X-Sum"), ("Upgrade", "h2c"), ("TE", "trailers"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")],
    ]

    /// The client head of a relayed stream written in one pass is, byte for byte, what
    /// `ClientResponseHead.make` and the encoder write for it, with and without `Connection: close`.
    @Test(arguments: relayedHeads, [false, true])
    func aRelayedHeadWrittenInOnePassIsWhatMakeAndTheEncoderWrite(_ fields: [(String, String)], closeClient: Bool) throws {
        for status in [HTTPResponseStatus.ok, .custom(code: 299, reasonPhrase: "")] {
            let upstream = HTTPResponseHead(version: .http1_1, status: status, headers: HTTPHeaders(fields))
            let wire = try Wire()
            let made = ClientResponseHead.make(from: upstream, plan: ResponseHeadPlan(kind: .eventStream, closeClient: closeClient, clientVersion: .http1_1))
            try wire.write(.head(made), answering: .GET)
            let onePass = ClientResponseHead.serializeRelayed(upstream, plan: ResponseHeadPlan(kind: .eventStream, closeClient: closeClient, clientVersion: .http1_1), allocator: ByteBufferAllocator())
            #expect(String(buffer: onePass) == (try wire.text()))
        }
    }

    /// A plan's own fields (a policy's) reach the client by every serializer, the same bytes
    /// from each, replacing the upstream's fields of those names: the encoder's head from
    /// `make`, the one-pass writer from fields, and the one from the upstream's bytes.
    @Test(arguments: relayedHeads, [false, true])
    func aPlansFieldsAreWrittenAlikeByEverySerializer(_ fields: [(String, String)], closeClient: Bool) throws {
        let plan = ResponseHeadPlan(
            kind: .eventStream, closeClient: closeClient, clientVersion: .http1_1,
            policyFields: [
                ResponseField(name: "Strict-Transport-Security", value: "max-age=31536000"),
                ResponseField(name: "Set-Cookie", value: "route=abc"),
            ])
        let upstream = HTTPResponseHead(version: .http1_1, status: .ok, headers: HTTPHeaders(fields))
        let wire = try Wire()
        try wire.write(.head(ClientResponseHead.make(from: upstream, plan: plan)), answering: .GET)
        let encoded = try wire.text()
        #expect(encoded.contains("\r\nX-Accel-Buffering: no\r\nStrict-Transport-Security: max-age=31536000\r\nSet-Cookie: route=abc\r\n"))
        #expect(!encoded.contains("a=1") && !encoded.contains("b=2") && !encoded.contains("yes"))
        let onePass = ClientResponseHead.serializeRelayed(upstream, plan: plan, allocator: ByteBufferAllocator())
        #expect(String(buffer: onePass) == encoded)
        let raw = "HTTP/1.1 200 OK\r\n" + fields.map { "\($0.0): \($0.1)\r\n" }.joined() + "\r\n"
        let parsed = try #require(ChunkedResponseHead.parse(ByteBuffer(string: raw)))
        if let fromBytes = parsed.serializedForClient(plan: plan, allocator: ByteBufferAllocator()) {
            #expect(String(buffer: fromBytes) == encoded)
        }
    }

    /// Over HTTP/2 a head carries no connection-specific field, whatever the plan says of the
    /// connection (RFC 9113 §8.2.2).
    @Test func anHTTP2HeadHasNoConnectionField() {
        let upstream = HTTPResponseHead(version: .http1_1, status: .ok, headers: HTTPHeaders(Self.relayedHeads[1]))
        for closeClient in [false, true] {
            let head = ClientResponseHead.make(
                from: upstream, plan: ResponseHeadPlan(kind: .eventStream, closeClient: closeClient, clientVersion: .http2))
            #expect(head.version == .http2)
            for name in ["connection", "keep-alive", "transfer-encoding", "x-trace"] {
                #expect(head.headers[name].isEmpty, "\(name)")
            }
            #expect(head.headers["x-accel-buffering"] == ["no"])
        }
    }

    /// After a head written in one pass the encoder relays the body unchanged and its end adds
    /// nothing; the next response is framed by the encoder again.
    @Test func aRelayedHeadWrittenInOnePassLeavesTheEncoderRelaying() throws {
        let wire = try Wire()
        let upstream = HTTPResponseHead(version: .http1_1, status: .ok, headers: HTTPHeaders(Self.relayedHeads[0]))
        wire.encoder.writeRelayedHead(ClientResponseHead.serializeRelayed(upstream, plan: ResponseHeadPlan(kind: .eventStream, closeClient: false, clientVersion: .http1_1), allocator: ByteBufferAllocator()))
        #expect(wire.encoder.isRelaying)
        wire.encoder.writeRelayed(ByteBuffer(string: "9\r\ndata: 1\n\n\r\n0\r\n\r\n"))
        try wire.write(.end(nil))
        #expect(!wire.encoder.isRelaying)
        #expect(try wire.text() == "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nX-Accel-Buffering: no\r\n"
            + "transfer-encoding: chunked\r\n\r\n9\r\ndata: 1\n\n\r\n0\r\n\r\n")
        try wire.write(Self.head(), answering: .GET)
        try wire.write(Self.body("ok"))
        try wire.write(.end(nil))
        #expect(try wire.text().hasSuffix("\r\n\r\n2\r\nok\r\n0\r\n\r\n"))
    }
}
