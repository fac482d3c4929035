import NIOCore
import NIOHTTP1
import Testing

@testable import SluiceProxy

/// The interim heads the splitter parses itself, and those it leaves to NIO's decoder.
@Suite("Interim response head")
struct InterimResponseHeadTests {
    @Test func anEarlyHintsHeadIsParsedAsNIOsDecoderWouldGiveIt() throws {
        let head = try #require(
            InterimResponseHead.parse(ByteBuffer(string: "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\nX-A:\t b \r\n\r\n")))
        #expect(head.version == .http1_1)
        #expect(head.status.code == 103)
        #expect(head.headers["Link"] == ["</style.css>; rel=preload"])
        #expect(head.headers["x-a"] == ["b "], "spaces before a value dropped, after it kept, as NIO's decoder does")
        #expect(InterimResponseHead.parse(ByteBuffer(string: "HTTP/1.1 100 Continue\r\n\r\n"))?.status == .continue)
    }

    @Test(arguments: [
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n",
        "HTTP/1.1 200 OK\r\n\r\n",
        "HTTP/1.1 103 Early Hints\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 103 Early Hints\r\nTransfer-Encoding: chunked\r\n\r\n",
        "HTTP/1.1 103 Early Hints\r\nLink: a\r\n b\r\n\r\n",
        "HTTP/1.1 103 Early Hints\nLink: a\n\n",
        "HTTP/1.1 103 Early Hints\r\nLink: a\r\n\r\nHTTP/1.1 200 OK\r\n\r\n",
        "HTTP/1.1 103 Early Hints\r\nBad Name: a\r\n\r\n",
        "HTTP/2 103 Early Hints\r\n\r\n",
    ])
    func anythingElseIsLeftToNIOsDecoder(_ text: String) {
        #expect(InterimResponseHead.parse(ByteBuffer(string: text)) == nil, "\(text.debugDescription)")
    }
}
