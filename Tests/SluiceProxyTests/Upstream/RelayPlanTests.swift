import NIOCore
import Testing

@testable import SluiceProxy

/// `RelayPlan.relays` as a table: which parsed heads have their body relayed as the upstream
/// chunked it, for which requests. (Heads `ChunkedResponseHead` declines — other framings,
/// interim heads, anything in doubt — are never relayed: `ChunkedResponseHeadTests`.)
@Suite("Relay plan")
struct RelayPlanTests {
    private static func plan(declared: Bool = false, allowed: Bool = true) -> RelayPlan {
        RelayPlan(declaredEventStream: declared, allowed: allowed, clientAcceptsEventStream: false, maxTrailerBytes: 1024)
    }

    private static func parsed(_ statusLine: String, _ fields: [String]) throws -> ChunkedResponseHead {
        let text = statusLine + "\r\n" + fields.map { $0 + "\r\n" }.joined() + "\r\n"
        return try #require(ChunkedResponseHead.parse(ByteBuffer(string: text)), "\(text.debugDescription)")
    }

    @Test func anEventStreamIsRelayedByItsContentTypeOrByTheRoute() throws {
        let sse = try Self.parsed("HTTP/1.1 200 OK", ["Content-Type: text/event-stream", "Transfer-Encoding: chunked"])
        let json = try Self.parsed("HTTP/1.1 200 OK", ["Content-Type: application/json", "Transfer-Encoding: chunked"])
        #expect(Self.plan().relays(sse))
        #expect(!Self.plan().relays(json))
        #expect(Self.plan(declared: true).relays(json), "the route declares the path a stream")
    }

    @Test func onlyWhereTheRequestAllowsIt() throws {
        let sse = try Self.parsed("HTTP/1.1 200 OK", ["Content-Type: text/event-stream", "Transfer-Encoding: chunked"])
        #expect(!Self.plan(allowed: false).relays(sse), "an HTTP/1.0 client, or a writer that frames bodies itself")
    }

    @Test(arguments: [
        ("HTTP/1.0 200 OK", ["Content-Type: text/event-stream", "Transfer-Encoding: chunked"]),
        ("HTTP/1.1 204 No Content", ["Content-Type: text/event-stream", "Transfer-Encoding: chunked"]),
        ("HTTP/1.1 304 Not Modified", ["Transfer-Encoding: chunked"]),
    ])
    func notFromAnHTTP10UpstreamNorWithoutABody(_ statusLine: String, _ fields: [String]) throws {
        #expect(!Self.plan(declared: true).relays(try Self.parsed(statusLine, fields)))
    }

    @Test func headsThatAreNotOneChunkedFinalHeadAreNeverParsedForARelay() {
        for text in [
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: 5\r\n\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
            "HTTP/1.1 100 Continue\r\nTransfer-Encoding: chunked\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n",
        ] {
            #expect(ChunkedResponseHead.parse(ByteBuffer(string: text)) == nil, "\(text.debugDescription)")
        }
    }
}
