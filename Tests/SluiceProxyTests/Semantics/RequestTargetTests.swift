import NIOHTTP1
import SluiceProxy
import SluiceRouting
import SluiceTestSupport
import Testing

@Suite("Request target forms")
struct RequestTargetTests {
    private func rewritten(_ uri: String, host: String = "other") -> (uri: String, host: [String]) {
        let head = RequestTarget.originForm(
            HTTPRequestHead(version: .http1_1, method: .GET, uri: uri, headers: HTTPHeaders([("Host", host)])))
        return (head.uri, head.headers["host"])
    }

    @Test func absoluteFormBecomesOriginFormWithItsAuthorityAsHost() {
        #expect(rewritten("http://example.com/a/b?c=1") == ("/a/b?c=1", ["example.com"]))
        #expect(rewritten("HTTPS://Example.com:8443") == ("/", ["Example.com:8443"]))
        #expect(rewritten("http://example.com?q") == ("/?q", ["example.com"]))
        #expect(rewritten("http://user@example.com/x#frag") == ("/x", ["example.com"]))
    }

    @Test func originFormIsUntouched() {
        #expect(rewritten("/a?b", host: "h") == ("/a?b", ["h"]))
        #expect(rewritten("*", host: "h") == ("*", ["h"]))
    }

    /// The upstream sees origin-form and the authority of the target, and routing used it too.
    @Test func absoluteFormIsRoutedByItsAuthority() async throws {
        try await withProxy(upstream: .echo, host: "example.com") { proxy, _ in
            let client = try await proxy.connect()
            try await client.send("GET http://example.com/x?y=1 HTTP/1.1\r\nHost: unrouted.test\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.status == 200)
            #expect(response.bodyText.hasPrefix("GET /x?y=1 HTTP/1.1\n"))
            #expect(response.bodyText.contains("\nhost: example.com\n"))
        }
    }
}
