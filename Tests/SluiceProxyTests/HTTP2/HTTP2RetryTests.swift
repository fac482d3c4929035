import NIOCore
import NIOEmbedded
import NIOHTTP1
import SluiceRouting
import Testing

@testable import SluiceProxy

/// Retries and error pages for an HTTP/2 stream (`EmbeddedHTTP2Connection`): the same exchange
/// mechanism as over HTTP/1 (`ExchangeRetryTests`), with the stream handler as its client.
@Suite("HTTP/2 retries and error pages")
struct HTTP2RetryTests {
    private static func table(_ policy: RoutePolicy, defaultBackend: Endpoint? = nil) -> RoutingTable {
        RoutingTable(routes: [
            Route(
                host: HostMatch(ingressHost: "example.com"), path: .prefix(ingressPath: "/"),
                backend: Backend(
                    name: "default/app:80", endpoints: [Endpoint(host: "10.0.0.1", port: 8080), Endpoint(host: "10.0.0.2", port: 8080)]),
                policy: policy, source: "default/app",
                defaultBackend: defaultBackend.map { Backend(name: "default/errors:8080", endpoints: [$0]) })
        ])
    }

    @Test func a502IsRetriedOnTheNextEndpoint() throws {
        var policy = RoutePolicy()
        policy.retry.conditions = [.error, .http502]
        let proxy = try EmbeddedHTTP2Connection(Self.table(policy))
        let (_, response) = try proxy.request(EmbeddedHTTP2Connection.get("/a"))
        try proxy.upstream(0, sends: "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 3\r\n\r\nbad")
        #expect(response.head == nil)
        #expect(proxy.upstreams.opened.count == 2)
        #expect(try proxy.upstreams.received(1).hasPrefix("GET /a HTTP/1.1\r\n"))
        try proxy.upstream(1, sends: Wire.ok("second"))
        #expect(response.head?.status == .ok)
        #expect(response.body == "second")
        #expect(response.ended)
    }

    @Test func aListedStatusIsReplacedByTheDefaultBackendsPage() throws {
        var policy = RoutePolicy()
        policy.customHTTPErrors = [503]
        let proxy = try EmbeddedHTTP2Connection(Self.table(policy, defaultBackend: Endpoint(host: "10.0.9.1", port: 8080)))
        let (_, response) = try proxy.request(EmbeddedHTTP2Connection.get("/b", [("accept", "text/html")]))
        try proxy.upstream(0, sends: "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy")
        #expect(response.head == nil)
        let page = try proxy.upstreams.received(1)
        #expect(page.hasPrefix("GET / HTTP/1.1\r\n"))
        #expect(page.contains("\r\nX-Original-URI: /b\r\n"))
        #expect(page.contains("\r\nX-Code: 503\r\n"))
        #expect(page.contains("\r\nX-Format: text/html\r\n"))
        try proxy.upstream(1, sends: "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\npage")
        #expect(response.head?.status == .serviceUnavailable)
        #expect(response.body == "page")
    }
}
