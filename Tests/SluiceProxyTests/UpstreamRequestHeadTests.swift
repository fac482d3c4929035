import NIOHTTP1
import SluiceProxy
import Testing

@Suite("Upstream request head")
struct UpstreamRequestHeadTests {
    @Test(arguments: [
        ("/a/b?x=1", "/a/b"), ("/", "/"), ("/a#frag", "/a"), ("http://example.com/p?q", "/p"),
        ("HTTP://Example.com", "/"), ("https://h:8443?x", "/"), ("*", "*"),
    ])
    func routingPathDropsQueryAndAuthority(_ uri: String, _ path: String) {
        #expect(UpstreamRequestHead.path(of: uri) == path)
    }

    @Test func restatesChunkedFramingAndKeepsUpgrade() {
        let facts = ClientConnectionFacts(clientIP: "1.2.3.4", localPort: 80, proto: "http")
        let chunked = HTTPRequestHead(
            version: .http1_1, method: .POST, uri: "/",
            headers: HTTPHeaders([("Host", "h"), ("Transfer-Encoding", "chunked"), ("Connection", "keep-alive")]))
        let up = UpstreamRequestHead.make(from: chunked, facts: facts, requestID: "id")
        #expect(up.headers["transfer-encoding"] == ["chunked"])
        #expect(up.headers["connection"].isEmpty)
        #expect(up.headers["host"] == ["h"])

        let upgrade = HTTPRequestHead(
            version: .http1_1, method: .GET, uri: "/ws",
            headers: HTTPHeaders([("Host", "h"), ("Connection", "Upgrade"), ("Upgrade", "websocket")]))
        let upUpgrade = UpstreamRequestHead.make(from: upgrade, facts: facts, requestID: "id")
        #expect(upUpgrade.headers["upgrade"] == ["websocket"])
        #expect(upUpgrade.headers["connection"] == ["upgrade"])
    }

    @Test func eventStreamRequestsAskForNoCompression() {
        let facts = ClientConnectionFacts(clientIP: nil, localPort: nil, proto: "http")
        let sse = HTTPRequestHead(
            version: .http1_1, method: .GET, uri: "/events",
            headers: HTTPHeaders([("Host", "h"), ("Accept", "text/event-stream"), ("Accept-Encoding", "gzip")]))
        #expect(UpstreamRequestHead.make(from: sse, facts: facts, requestID: "id").headers["accept-encoding"].isEmpty)
        let declared = HTTPRequestHead(
            version: .http1_1, method: .GET, uri: "/chat",
            headers: HTTPHeaders([("Host", "h"), ("Accept-Encoding", "gzip")]))
        #expect(
            UpstreamRequestHead.make(from: declared, facts: facts, declaredEventStream: true, requestID: "id")
                .headers["accept-encoding"].isEmpty)
        #expect(UpstreamRequestHead.make(from: declared, facts: facts, requestID: "id").headers["accept-encoding"] == ["gzip"])
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
