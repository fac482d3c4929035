import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import SluiceProxy

/// What `HTTP1ResponseWriter` puts on the wire for each `ResponseCompression`, from an
/// `EmbeddedChannel` holding only its encoder.
@Suite("HTTP/1 response writer")
struct HTTP1ResponseWriterTests {
    private struct Wire {
        let channel = EmbeddedChannel()
        var writer: HTTP1ResponseWriter

        init() throws {
            let encoder = ClientResponseEncoder()
            try channel.pipeline.syncOperations.addHandler(encoder)
            writer = HTTP1ResponseWriter(encoder: encoder)
        }

        /// Every buffer flushed so far, in order.
        func buffers() throws -> [[UInt8]] {
            var all: [[UInt8]] = []
            while let data = try channel.readOutbound(as: IOData.self) {
                guard case .byteBuffer(let buffer) = data else { continue }
                all.append(Array(buffer: buffer))
            }
            return all
        }
    }

    private static let head = HTTPResponseHead(
        version: .http1_1, status: .ok,
        headers: HTTPHeaders([("Content-Type", "text/plain"), ("Content-Length", "600"), ("ETag", "\"v1\"")]))
    private static let text = String(repeating: "the same line, over and over\n", count: 21).prefix(600)

    /// The head and the de-chunked body of one response written to the wire as `bytes`.
    private static func response(_ bytes: [UInt8]) throws -> (head: String, body: [UInt8]) {
        let blankLine: [UInt8] = Array("\r\n\r\n".utf8)
        let end = try #require((0...(bytes.count - 4)).first { Array(bytes[$0..<($0 + 4)]) == blankLine }) + 4
        var rest = bytes[end...]
        var body: [UInt8] = []
        while let cr = rest.firstIndex(of: 0x0d), let size = Int(String(decoding: rest[..<cr], as: UTF8.self), radix: 16), size > 0 {
            body += rest[(cr + 2)..<(cr + 2 + size)]
            rest = rest[(cr + 2 + size + 2)...]
        }
        return (String(decoding: bytes[..<end], as: UTF8.self), body)
    }

    @Test func aCompressedResponseIsChunkedSaysItsCodingAndInflates() throws {
        var wire = try Wire()
        wire.writer.writeHead(Self.head, answering: .GET, compression: .compress(.gzip))
        wire.writer.writeBody(ByteBuffer(string: String(Self.text.prefix(300))))
        wire.writer.flush()
        let flushed = try wire.buffers()
        wire.writer.writeBody(ByteBuffer(string: String(Self.text.dropFirst(300))))
        wire.writer.writeEnd(trailers: nil, promise: nil)
        wire.writer.flush()
        let response = try Self.response(Array((flushed + wire.buffers()).joined()))
        #expect(response.head == "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nVary: Accept-Encoding\r\nETag: W/\"v1\"\r\n"
            + "Content-Encoding: gzip\r\ntransfer-encoding: chunked\r\n\r\n")
        #expect(flushed.count == 2, "the head, and at the flush one chunk of all written so far")
        #expect(inflate(try Self.response(Array(flushed.joined())).body, windowBits: 16 + 15, mustEnd: false) == Array(Self.text.prefix(300).utf8))
        #expect(inflate(response.body, windowBits: 16 + 15) == Array(Self.text.utf8))
    }

    /// A `HEAD`'s head is the one its `GET` would get, and no body follows.
    @Test func aHeadResponseGetsTheCompressedHeadAndNoBody() throws {
        var wire = try Wire()
        wire.writer.writeHead(Self.head, answering: .HEAD, compression: .compress(.deflate))
        wire.writer.writeEnd(trailers: nil, promise: nil)
        wire.writer.flush()
        let bytes = Array(try wire.buffers().joined())
        #expect(String(decoding: bytes, as: UTF8.self)
            == "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nVary: Accept-Encoding\r\nETag: W/\"v1\"\r\n"
            + "Content-Encoding: deflate\r\ntransfer-encoding: chunked\r\n\r\n")
    }

    /// `off` and `varyOnly` leave the body and its framing as they were.
    @Test(arguments: [(ResponseCompression.off, ""), (.varyOnly, "Vary: Accept-Encoding\r\n")])
    func anUncompressedResponseKeepsItsBytes(compression: ResponseCompression, vary: String) throws {
        var wire = try Wire()
        wire.writer.writeHead(Self.head, answering: .GET, compression: compression)
        wire.writer.writeBody(ByteBuffer(string: String(Self.text)))
        wire.writer.writeEnd(trailers: nil, promise: nil)
        wire.writer.flush()
        #expect(String(decoding: Array(try wire.buffers().joined()), as: UTF8.self)
            == "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 600\r\nETag: \"v1\"\r\n\(vary)\r\n" + Self.text)
    }
}
