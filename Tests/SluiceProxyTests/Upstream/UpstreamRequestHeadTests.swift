import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import SluiceProxy

@Suite("Upstream request head")
struct UpstreamRequestHeadTests {
    static let facts = ClientConnectionFacts(clientIP: "1.2.3.4", localPort: 80, proto: "http")

    static func serialize(
        _ method: HTTPMethod, _ fields: [(String, String)], facts: ClientConnectionFacts = facts,
        declaredEventStream: Bool = false
    ) -> UpstreamRequestHead {
        UpstreamRequestHead(
            from: HTTPRequestHead(version: .http1_1, method: method, uri: "/p?q=1", headers: HTTPHeaders(fields)),
            facts: facts, declaredEventStream: declaredEventStream, requestID: "generated", allocator: ByteBufferAllocator())
    }

    /// The field lines of a serialized head, as parsed back by NIO's request decoder.
    static func fields(of head: UpstreamRequestHead) throws -> HTTPHeaders {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(HTTPRequestDecoder()))
        try channel.writeInbound(head.bytes)
        guard case .head(let parsed)? = try channel.readInbound(as: HTTPServerRequestPart.self) else {
            Issue.record("no head parsed from \(String(buffer: head.bytes))")
            return HTTPHeaders()
        }
        return parsed.headers
    }

    /// The raw bytes keep the client's `Host` line as it was; `X-Forwarded-Host` has no spaces
    /// around the value (NIO's decoder would drop them only on the way back in).
    @Test func forwardedHostIsTrimmed() {
        let head = Self.serialize(.GET, [("Host", " \texample.com \t")])
        let text = String(buffer: head.bytes)
        #expect(text.contains("\r\nX-Forwarded-Host: example.com\r\n"))
        #expect(text.contains("\r\nHost:  \texample.com \t\r\n"))
    }

    @Test(arguments: [
        ("/a/b?x=1", "/a/b"), ("/", "/"), ("/a#frag", "/a"), ("http://example.com/p?q", "/p"),
        ("HTTP://Example.com", "/"), ("https://h:8443?x", "/"), ("*", "*"),
    ])
    func routingPathDropsQueryAndAuthority(_ uri: String, _ path: String) {
        #expect(UpstreamRequestHead.path(of: uri) == path)
    }

    @Test func restatesChunkedFramingAndKeepsUpgrade() throws {
        let chunked = Self.serialize(.POST, [("Host", "h"), ("Transfer-Encoding", "chunked"), ("Connection", "keep-alive")])
        #expect(chunked.chunkedBody)
        let fields = try Self.fields(of: chunked)
        #expect(fields["transfer-encoding"] == ["chunked"])
        #expect(fields["connection"].isEmpty)
        #expect(fields["host"] == ["h"])

        let upgrade = Self.serialize(.GET, [("Host", "h"), ("Connection", "Upgrade"), ("Upgrade", "websocket")])
        #expect(upgrade.requestsUpgrade)
        #expect(!upgrade.chunkedBody)
        let upgradeFields = try Self.fields(of: upgrade)
        #expect(upgradeFields["upgrade"] == ["websocket"])
        #expect(upgradeFields["connection"] == ["upgrade"])
    }

    @Test func upgradeNeedsBothFields() {
        #expect(!Self.serialize(.GET, [("Upgrade", "websocket")]).requestsUpgrade)
        #expect(!Self.serialize(.GET, [("Connection", "upgrade")]).requestsUpgrade)
    }

    @Test func eventStreamRequestsAskForNoCompression() throws {
        let sse = Self.serialize(.GET, [("Host", "h"), ("Accept", "text/event-stream"), ("Accept-Encoding", "gzip")])
        #expect(try Self.fields(of: sse)["accept-encoding"].isEmpty)
        let declared = Self.serialize(.GET, [("Host", "h"), ("Accept-Encoding", "gzip")], declaredEventStream: true)
        #expect(try Self.fields(of: declared)["accept-encoding"].isEmpty)
        let plain = Self.serialize(.GET, [("Host", "h"), ("Accept-Encoding", "gzip")])
        #expect(try Self.fields(of: plain)["accept-encoding"] == ["gzip"])
    }

    @Test func aFieldNamedInConnectionIsNotForwardedUnlessItFramesOrRoutesTheRequest() throws {
        let head = Self.serialize(
            .GET,
            [("Host", "h"), ("Connection", "X-Secret, Content-Length, Host, X-Request-ID"), ("X-Secret", "s"),
             ("Content-Length", "0"), ("X-Request-ID", "client-id")])
        let fields = try Self.fields(of: head)
        #expect(fields["x-secret"].isEmpty)
        #expect(fields["content-length"] == ["0"])
        #expect(fields["host"] == ["h"])
        #expect(fields["x-request-id"] == ["generated"])
    }

    /// Names with `_` are dropped (nginx's default): a CGI-style backend would read
    /// `X_Forwarded_For` as the proxy's `X-Forwarded-For`.
    @Test func fieldNamesWithUnderscoresAreNotForwarded() throws {
        let head = Self.serialize(.GET, [("Host", "h"), ("X_Forwarded_For", "6.6.6.6"), ("My_Field", "x"), ("My-Field", "y")])
        let fields = try Self.fields(of: head)
        #expect(fields["X_Forwarded_For"].isEmpty)
        #expect(fields["My_Field"].isEmpty)
        #expect(fields["My-Field"] == ["y"])
        #expect(fields["X-Forwarded-For"] == ["1.2.3.4"])

        let allowed = UpstreamRequestHead(
            from: HTTPRequestHead(version: .http1_1, method: .GET, uri: "/", headers: HTTPHeaders([("Host", "h"), ("My_Field", "x")])),
            facts: Self.facts, forwardsUnderscoredNames: true, requestID: "id", allocator: ByteBufferAllocator())
        #expect(try Self.fields(of: allowed)["My_Field"] == ["x"])
    }

    @Test func expectContinueIsNoticed() {
        #expect(Self.serialize(.PUT, [("Expect", " 100-Continue ")]).expectsContinue)
        #expect(!Self.serialize(.PUT, [("Expect", "something")]).expectsContinue)
    }

    @Test func idempotentMethods() {
        for method in [HTTPMethod.GET, .HEAD, .OPTIONS, .PUT, .DELETE, .TRACE] {
            #expect(UpstreamRequestHead.isIdempotent(method))
        }
        for method in [HTTPMethod.POST, .PATCH, .CONNECT] {
            #expect(!UpstreamRequestHead.isIdempotent(method))
        }
    }
}
