import NIOHTTP1
import SluiceProxy
import SluiceRouting
import SluiceTestSupport
import Testing

/// Attempts to make the upstream parse a second request out of one the proxy forwarded.
@Suite("Request smuggling")
struct RequestSmugglingTests {
    @Test func connectionCannotNominateFramingOrRoutingFields() {
        let headers = HTTPHeaders([
            ("Host", "a"), ("Content-Length", "5"), ("Connection", "content-length, host, x-foo"), ("X-Foo", "1"),
        ])
        let result = HopByHopHeaders.removing(from: headers)
        #expect(result["content-length"] == ["5"])
        #expect(result["host"] == ["a"])
        #expect(result["x-foo"].isEmpty)
    }

    @Test func traceAndConnectAreRefused() {
        func status(_ method: HTTPMethod, _ fields: [(String, String)]) -> UInt? {
            let head = HTTPRequestHead(version: .http1_1, method: method, uri: "/", headers: HTTPHeaders([("Host", "a")] + fields))
            return RequestHeadValidator.validate(head, maxHeaderBytes: 32 * 1024)?.status.code
        }
        #expect(status(.TRACE, [("Content-Length", "10")]) == 405)
        #expect(status(.TRACE, [("Transfer-Encoding", "chunked")]) == 405)
        #expect(status(.TRACE, []) == 405)
        #expect(status(.GET, [("Content-Length", "0")]) == nil)
        #expect(status(.CONNECT, []) == 405)
    }

    /// The attack the unit test above guards: `Connection: content-length` on a GET with a body
    /// whose bytes are a second request. The upstream must see one request carrying that body.
    @Test func bodyNamedInConnectionStaysFramedUpstream() async throws {
        try await withProxy(upstream: .echo, host: nil) { proxy, _ in
            let smuggled = "GET /admin HTTP/1.1\r\nHost: x\r\n\r\n"
            let client = try await proxy.connect()
            try await client.send(
                "GET /first HTTP/1.1\r\nHost: example.com\r\nContent-Length: \(smuggled.utf8.count)\r\n"
                    + "Connection: content-length\r\n\r\n" + smuggled)
            let first = try await client.readResponse()
            #expect(first.status == 200)
            #expect(first.bodyText.hasPrefix("GET /first HTTP/1.1\n"))
            #expect(first.bodyText.contains("content-length: \(smuggled.utf8.count)\n"))
            #expect(first.bodyText.hasSuffix("\n\n" + smuggled))

            try await client.send(get("/second"))
            let second = try await client.readResponse()
            #expect(second.bodyText.hasPrefix("GET /second HTTP/1.1\n"), "the next response must answer the next request")
        }
    }

    /// RFC 9112 §9.6: after a request that closes the connection, the proxy answers it and
    /// closes; a request pipelined behind it is not served.
    @Test func aRequestPipelinedBehindConnectionCloseIsNotServed() async throws {
        try await withProxy(upstream: .echo, host: nil) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send(
                "GET /first HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n"
                    + "GET /admin HTTP/1.1\r\nHost: example.com\r\n\r\n")
            let first = try await client.readResponse()
            #expect(first.status == 200)
            #expect(first.bodyText.hasPrefix("GET /first HTTP/1.1\n"))
            try await client.waitForClose()
            #expect(client.receivedBytes.isEmpty, "nothing after the first response")
        }
    }
}

@Suite("Path dot segments")
struct PathDotSegmentTests {
    @Test(arguments: [
        "/public/../admin", "/public/%2e%2e/admin", "/public/%2E./admin", "/a/./b", "/..", "/a/.",
        "/a/..?x=1", "..", "/a/%2e",
    ])
    func dotSegmentsAreRefused(uri: String) {
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: uri, headers: HTTPHeaders([("Host", "a")]))
        #expect(RequestHeadValidator.validate(head, maxHeaderBytes: 32 * 1024)?.status == .badRequest)
    }

    @Test(arguments: [
        "/", "/a/b", "/static/app.js", "/a/.well-known/x", "/a/...", "/a/..b", "/a/b.", "/v1.2/x",
        "/search?q=/../", "/a/%2ex", "/a/%2", "/a%",
    ])
    func ordinaryPathsPass(uri: String) {
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: uri, headers: HTTPHeaders([("Host", "a")]))
        #expect(RequestHeadValidator.validate(head, maxHeaderBytes: 32 * 1024) == nil)
    }
}
