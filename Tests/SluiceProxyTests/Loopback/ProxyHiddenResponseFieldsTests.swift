import SluiceProxy
import SluiceRouting
import SluiceTestSupport
import Testing

/// Upstream response fields the proxy hides (`ProxyConfiguration.hiddenResponseFields`:
/// `Server` by default, as nginx; `--hide-headers` more), through the real proxy: an ordinary
/// response over HTTP/1.1 and HTTP/2, and a relayed event stream.
@Suite("Proxy: hidden response fields")
struct ProxyHiddenResponseFieldsTests {
    static let ordinary =
        "HTTP/1.1 200 OK\r\nServer: gunicorn/20.1.0\r\nX-Powered-By: PHP/8.2.1\r\nX-Kept: yes\r\nContent-Length: 2\r\n\r\nok"
    static let eventStream =
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nServer: gunicorn/20.1.0\r\nX-Powered-By: PHP/8.2.1\r\n"
        + "X-Kept: yes\r\nTransfer-Encoding: chunked\r\n\r\n9\r\ndata: 1\n\n\r\n0\r\n\r\n"

    @Test func theUpstreamsServerIsHiddenByDefaultAndTheRestPasses() async throws {
        try await withProxy(upstream: .script([Self.ordinary])) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send(get("/"))
            let response = try await client.readResponse()
            #expect(response.status == 200)
            #expect(response.headerValues("server").isEmpty)
            #expect(response.header("x-powered-by") == "PHP/8.2.1")
            #expect(response.header("x-kept") == "yes")
            #expect(response.bodyText == "ok")
            await client.close()
        }
    }

    @Test func hideHeadersHidesMoreAndPassingServerKeepsIt() async throws {
        var configuration = ProxyConfiguration()
        configuration.hiddenResponseFields = ["x-powered-by"]
        try await withProxy(upstream: .script([Self.ordinary]), configuration: configuration) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send(get("/"))
            let response = try await client.readResponse()
            #expect(response.header("server") == "gunicorn/20.1.0")
            #expect(response.headerValues("x-powered-by").isEmpty)
            #expect(response.header("x-kept") == "yes")
            await client.close()
        }
    }

    @Test func aRelayedEventStreamHidesThemToo() async throws {
        var configuration = ProxyConfiguration()
        configuration.hiddenResponseFields += ["X-Powered-By"]
        try await withProxy(upstream: .script([Self.eventStream]), configuration: configuration) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send(get("/events"))
            let response = try await client.readResponse()
            #expect(response.bodyText == "data: 1\n\n")
            #expect(response.headerValues("server").isEmpty)
            #expect(response.headerValues("x-powered-by").isEmpty)
            #expect(response.header("x-kept") == "yes")
            #expect(proxy.metrics.eventStreamsRelayed == 1)
            await client.close()
        }
    }

    @Test func overHTTP2TheServerIsHiddenAndHSTSStillSent() async throws {
        try await withProxy(upstream: .script([Self.ordinary])) { proxy, _ in
            let result = try await CurlProcess.run([
                "-i", "-sS", "--http2", "-k", "--resolve", "example.com:\(proxy.httpsPort):127.0.0.1",
                "https://example.com:\(proxy.httpsPort)/",
            ])
            #expect(result.exitCode == 0, "\(result.stderr)")
            #expect(result.stdout.hasPrefix("HTTP/2 200"), "\(result.stdout)")
            #expect(!result.stdout.lowercased().contains("server:"), "\(result.stdout)")
            #expect(result.stdout.contains("x-kept: yes\r\n"))
            #expect(result.stdout.contains("strict-transport-security: "))
        }
    }
}
