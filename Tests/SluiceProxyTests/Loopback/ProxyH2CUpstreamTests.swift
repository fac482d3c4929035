import Foundation
import NIOCore
import NIOPosix
import SluiceRouting
import SluiceTestSupport
import Testing

@testable import SluiceProxy

/// An h2c upstream (`backend-protocol: H2C`; python-h2, `Scripts/test_python/h2c_upstream.py`,
/// which answers with what it received) behind the proxy, asked by `curl` over HTTP/2 (TLS,
/// ALPN `h2`) and over HTTP/1.1: the request crosses as HTTP/2 without connection-specific
/// fields, streams share the endpoint's connection, and the peer's stream limit opens another.
@Suite("h2c upstream", .serialized)
struct ProxyH2CUpstreamTests {
    static let host = "h2c.example.com"
    let tls: TLSFixture
    let certificates: CertificateTable

    init() throws {
        tls = try TLSFixture()
        certificates = try tls.certificates(for: Self.host)
    }

    /// What the upstream answered: the request it received and on which of its connections.
    struct Echo: Decodable {
        let headers: [String: String]
        let body: String
        let connection: Int
    }

    /// `group`: the proxy's event loops (each has its own pool).
    private func withH2CUpstreamAndProxy(
        maxConcurrentStreams: Int? = nil, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        isolation: isolated (any Actor)? = #isolation, _ body: (ProxyUnderTest) async throws -> Void
    ) async throws {
        var policy = RoutePolicy.default
        policy.upstreamProtocol = UpstreamProtocol(version: .http2)
        try await PythonPeer.withUpstream("h2c_upstream.py", maxConcurrentStreams.map { [String($0)] } ?? []) { port in
            let routes = table(host: Self.host, endpoints: [Endpoint(host: "127.0.0.1", port: port)], policy: policy)
            try await withProxy(
                TLSFixture.table(routes, certificates: certificates), configuration: ProxyConfiguration(http2: true), group: group
            ) { proxy in try await body(proxy) }
        }
    }

    /// `curl` over TLS to the proxy with `arguments`: the upstream's echoes, one per response (with
    /// `--parallel`, curl may write two bodies before their newlines).
    private func curl(_ proxy: ProxyUnderTest, _ arguments: [String]) async throws -> [Echo] {
        let result = try await CurlProcess.run(
            ["--cacert", tls.caFile.path, "--resolve", "\(Self.host):\(proxy.httpsPort):127.0.0.1", "-w", "\n"] + arguments)
        #expect(result.exitCode == 0, "\(result.stderr)")
        return try result.stdout.replacingOccurrences(of: "}{", with: "}\n{").split(separator: "\n").map { line in
            do {
                return try JSONDecoder().decode(Echo.self, from: Data(line.utf8))
            } catch {
                Issue.record("not the upstream's echo: \(line.debugDescription)")
                throw error
            }
        }
    }

    private func url(_ proxy: ProxyUnderTest, _ path: String) -> String {
        "https://\(Self.host):\(proxy.httpsPort)\(path)"
    }

    @Test func anHTTP2ClientsRequestCrossesAsHTTP2() async throws {
        try await withH2CUpstreamAndProxy { proxy in
            let echoes = try await curl(proxy, ["--http2", url(proxy, "/hello?x=1")])
            let seen = try #require(echoes.first).headers
            #expect(seen[":method"] == "GET")
            #expect(seen[":path"] == "/hello?x=1")
            #expect(seen[":scheme"] == "http")
            #expect(seen[":authority"] == "\(Self.host):\(proxy.httpsPort)")
            #expect(seen["x-forwarded-proto"] == "https")
            #expect(seen["x-forwarded-for"] == "127.0.0.1")
            #expect(seen["host"] == nil)
        }
    }

    /// An HTTP/1.1 client's upload goes up as DATA frames, without the chunked framing.
    @Test func anHTTP1ClientsUploadCrossesAsHTTP2() async throws {
        try await withH2CUpstreamAndProxy { proxy in
            let echoes = try await curl(
                proxy, ["--http1.1", "-H", "Transfer-Encoding: chunked", "--data-binary", "hello upstream", url(proxy, "/upload")])
            let echo = try #require(echoes.first)
            #expect(echo.body == "hello upstream")
            #expect(echo.headers[":method"] == "POST")
            #expect(echo.headers["transfer-encoding"] == nil)
            #expect(echo.headers["connection"] == nil)
        }
    }

    /// Requests one after the other are streams of the endpoint's one connection.
    @Test func requestsShareTheEndpointsConnection() async throws {
        try await withH2CUpstreamAndProxy { proxy in
            let echoes = try await curl(proxy, ["--http2", url(proxy, "/a"), url(proxy, "/b"), url(proxy, "/c")])
            #expect(echoes.map(\.headers[":path"]) == ["/a", "/b", "/c"])
            #expect(Set(echoes.map(\.connection)).count == 1)
        }
    }

    /// A peer that allows one stream at a time gets a second connection for a second request
    /// while the first is under way; without the limit, both share one.
    @Test(arguments: [(Int?.some(1), 2), (nil, 1)])
    func thePeersStreamLimitOpensAnotherConnection(limit: Int?, connections: Int) async throws {
        // One event loop, so that every client connection draws from the same pool.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { group.shutdownGracefully { _ in } }
        try await withH2CUpstreamAndProxy(maxConcurrentStreams: limit, group: group) { proxy in
            // A first request makes the connection and learns the peer's SETTINGS.
            _ = try await curl(proxy, ["--http2", url(proxy, "/warm")])
            let echoes = try await curl(proxy, ["--http2", "--parallel", url(proxy, "/slow/1"), url(proxy, "/slow/2")])
            #expect(echoes.count == 2)
            #expect(Set(echoes.map(\.connection)).count == connections)
        }
    }

    /// A connection the peer sends GOAWAY on takes no new stream: the next request opens another.
    @Test func aConnectionThePeerSendsGoAwayOnIsReplaced() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { group.shutdownGracefully { _ in } }
        try await withH2CUpstreamAndProxy(group: group) { proxy in
            let first = try await curl(proxy, ["--http2", url(proxy, "/goaway")])
            // The GOAWAY follows the answer on the upstream connection; give it a moment to land.
            try await Task.sleep(for: .milliseconds(200))
            let second = try await curl(proxy, ["--http2", url(proxy, "/after")])
            #expect(first.map(\.headers[":path"]) == ["/goaway"])
            #expect(second.map(\.headers[":path"]) == ["/after"])
            #expect(first.first?.connection != second.first?.connection, "a new connection after GOAWAY")
        }
    }
}
