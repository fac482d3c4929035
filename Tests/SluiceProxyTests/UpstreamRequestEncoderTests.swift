import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import SluiceProxy

/// The wire bytes of upstream requests: the encoder replaced NIO's `HTTPRequestEncoder`, so for
/// every framing case it must write what NIO's would.
@Suite("Upstream request encoder")
struct UpstreamRequestEncoderTests {
    /// What NIO's encoder writes for `parts`, as text.
    private static func wire(_ parts: [HTTPClientRequestPart], through encoder: HTTPRequestEncoder) throws -> String {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(encoder)
        for part in parts { try channel.writeOutbound(part) }
        return try written(by: channel).joined()
    }

    /// The first handler of a pipeline, whose context the encoder writes from (on a connection
    /// that is `UpstreamResponseSplitter`).
    private final class Anchor: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
    }

    /// What Sluice's encoder writes for `parts`, written the way `UpstreamConnection` writes them.
    private static func wire(_ parts: [HTTPClientRequestPart], through encoder: UpstreamRequestEncoder) throws -> String {
        try buffers(parts, through: encoder).joined()
    }

    private static func buffers(_ parts: [HTTPClientRequestPart], through encoder: UpstreamRequestEncoder) throws -> [String] {
        let channel = EmbeddedChannel()
        let anchor = Anchor()
        try channel.pipeline.syncOperations.addHandler(anchor)
        encoder.attach(to: try channel.pipeline.syncOperations.context(handler: anchor))
        for part in parts { encoder.writeDirect(part) }
        encoder.flushDirect()
        return try written(by: channel)
    }

    private static func written(by channel: EmbeddedChannel) throws -> [String] {
        var buffers: [String] = []
        while let data = try channel.readOutbound(as: IOData.self) {
            if case .byteBuffer(let buffer) = data { buffers.append(String(buffer: buffer)) }
        }
        return buffers
    }

    private static func request(
        _ method: HTTPMethod, _ fields: [(String, String)], version: HTTPVersion = .http1_1, body: [String] = [],
        trailers: HTTPHeaders? = nil
    ) -> [HTTPClientRequestPart] {
        [.head(HTTPRequestHead(version: version, method: method, uri: "/p?q=1", headers: HTTPHeaders(fields)))]
            + body.map { .body(.byteBuffer(ByteBuffer(string: $0))) } + [.end(trailers)]
    }

    static let cases: [[HTTPClientRequestPart]] = [
        request(.GET, [("Host", "a"), ("X-Forwarded-For", "127.0.0.1"), ("Empty", "")]),
        request(.POST, [("Host", "a")], body: ["abc", "", "defg"]),
        request(.POST, [("Host", "a"), ("Content-Length", "3"), ("Transfer-Encoding", "chunked")], body: ["abc"]),
        request(.PUT, [("Host", "a"), ("Content-Length", "2")], body: ["hi"]),
        request(.PATCH, [("Host", "a")], body: ["x"], trailers: HTTPHeaders([("Checksum", "1")])),
        request(.GET, [("Host", "a"), ("Transfer-Encoding", "chunked")], body: ["chunk"]),
        request(.DELETE, [("Host", "a"), ("Content-Length", "0")]),
        request(.TRACE, [("Host", "a"), ("Content-Length", "4"), ("Transfer-Encoding", "chunked")]),
        request(.POST, [("Host", "a")], version: .http1_0, body: ["abc"]),
        request(.RAW(value: "PURGE"), [("Host", "a")]),
        request(.POST, [("Host", "a")], body: [String(repeating: "z", count: ChunkedFraming.copyLimit + 1)]),
    ]

    @Test(arguments: cases)
    func writesWhatNIOsEncoderWrites(_ parts: [HTTPClientRequestPart]) throws {
        #expect(try Self.wire(parts, through: UpstreamRequestEncoder()) == Self.wire(parts, through: HTTPRequestEncoder()))
    }

    @Test func aChunkedUploadIsFramedOneBufferPerPart() throws {
        let buffers = try Self.buffers(Self.request(.POST, [("Host", "a")], body: ["abc", "defg"]), through: UpstreamRequestEncoder())
        #expect(buffers == [
            "POST /p?q=1 HTTP/1.1\r\nHost: a\r\ntransfer-encoding: chunked\r\n\r\n", "3\r\nabc\r\n", "4\r\ndefg\r\n", "0\r\n\r\n",
        ])
    }
}
