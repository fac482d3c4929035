import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOHTTP2
import Testing

@testable import SluiceProxy

/// A request head as it goes to an HTTP/2 upstream: what `UpstreamRequestHead` serialized,
/// read back, with `TE: trailers` the only `TE` kept.
@Suite("HTTP/2 upstream request")
struct HTTP2UpstreamRequestTests {
    private static func head(_ method: HTTPMethod, _ fields: [(String, String)]) -> HTTPRequestHead {
        let upstream = UpstreamRequestHead(
            from: HTTPRequestHead(version: .http2, method: method, uri: "/pkg.Service/Call?x=1", headers: HTTPHeaders(fields)),
            facts: ClientConnectionFacts(clientIP: "192.0.2.7", localPort: 443, proto: "https"), requestID: "generated",
            allocator: ByteBufferAllocator())
        return HTTP2UpstreamRequest.head(upstream)
    }

    @Test func theSerializedHeadIsReadBackWithTheForwardingFields() {
        let head = Self.head(.POST, [("host", "grpc.example.com"), ("content-type", "application/grpc"), ("x-b", "a: b ")])
        #expect(head.method == .POST)
        #expect(head.uri == "/pkg.Service/Call?x=1")
        #expect(head.headers["host"] == ["grpc.example.com"])
        #expect(head.headers["content-type"] == ["application/grpc"])
        #expect(head.headers["x-b"] == ["a: b"], "a value keeps its colons")
        #expect(head.headers["x-forwarded-for"] == ["192.0.2.7"])
        #expect(head.headers["x-forwarded-proto"] == ["https"])
        #expect(head.headers["x-request-id"] == ["generated"])
    }

    /// gRPC needs `te: trailers` upstream; any other `TE` is hop-by-hop and stays behind.
    @Test(arguments: [("trailers", true), ("Trailers, deflate", true), ("deflate", false)])
    func teTrailersGoesOn(te: String, kept: Bool) {
        let head = Self.head(.POST, [("host", "h"), ("te", te)])
        #expect(head.headers["te"] == (kept ? ["trailers"] : []))
    }

    /// What the upstream receives: swift-nio-http2's codec makes `:authority` of `Host` and
    /// drops the connection-specific fields, among them the `transfer-encoding: chunked` the HTTP/1
    /// serializer adds for a POST without a length (HTTP/2 frames bodies itself).
    @Test func theHeadersFrameHasNoConnectionSpecificFields() throws {
        let channel = EmbeddedChannel(handler: HTTP2FramePayloadToHTTP1ClientCodec(httpProtocol: .http))
        let head = Self.head(.POST, [("Host", "grpc.example.com"), ("TE", "trailers"), ("Content-Type", "application/grpc")])
        try channel.writeOutbound(HTTPClientRequestPart.head(head))
        guard case .headers(let frame)? = try channel.readOutbound(as: HTTP2Frame.FramePayload.self) else {
            Issue.record("no HEADERS frame")
            return
        }
        #expect(frame.headers.first(name: ":authority") == "grpc.example.com")
        #expect(frame.headers.first(name: ":scheme") == "http")
        #expect(frame.headers.first(name: ":method") == "POST")
        #expect(frame.headers.first(name: "te") == "trailers")
        #expect(frame.headers.first(name: "content-type") == "application/grpc")
        #expect(!frame.headers.contains(name: "transfer-encoding"))
        #expect(!frame.headers.contains(name: "host"))
    }
}
