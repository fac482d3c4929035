import NIOHTTP1
import SluiceRouting
import Testing

@testable import SluiceProxy

/// `RequestDecision.decide` as a table: request heads against one routing table, and what the
/// proxy must do with each.
@Suite("Request decision")
struct RequestDecisionTests {
    private static let app = Backend(name: "default/app:80", endpoints: [Endpoint(host: "10.0.0.1", port: 8080)])
    private static let drained = Backend(name: "default/drained:80", endpoints: [])
    private static let streaming = RoutePolicy(eventStreamPaths: ["/chat/"])
    private static let table = RoutingTable(
        routes: [
            Route(host: HostMatch(ingressHost: "example.com"), path: .prefix(ingressPath: "/"), backend: app, policy: streaming, source: "default/a"),
            Route(host: HostMatch(ingressHost: "example.com"), path: .prefix(ingressPath: "/gone"), backend: drained, source: "default/b"),
            Route(host: HostMatch(ingressHost: "example.com"), path: .prefix(ingressPath: "/admin"), backend: app, policy: refused, source: "default/c"),
            Route(host: HostMatch(ingressHost: "example.com"), path: .prefix(ingressPath: "/gone/admin"), backend: drained, policy: refused, source: "default/d"),
        ])
    private static let refused = RoutePolicy(refusal: RouteRefusal(reason: "unsupported access-control annotations: auth-url"))

    private static func head(_ method: HTTPMethod = .GET, _ uri: String, _ fields: [(String, String)]) -> HTTPRequestHead {
        HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: HTTPHeaders(fields))
    }

    private static func decide(_ head: HTTPRequestHead, table: RoutingTable = table) -> RequestDecision {
        var configuration = ProxyConfiguration()
        configuration.maxHeaderBytes = 8192
        return RequestDecision.decide(head, table: table, configuration: configuration, secure: false, facts: ClientConnectionFacts(clientIP: "192.0.2.7", localPort: 80, proto: "http", clientAddress: IPAddress("192.0.2.7")))
    }

    @Test func aRoutedRequestIsForwardedWithItsRoutesPolicy() throws {
        guard case .forward(let head, let route, let policy) = Self.decide(Self.head(.GET, "/api?q=1", [("Host", "Example.COM:8080")]))
        else { Issue.record("not forwarded"); return }
        #expect(head.uri == "/api?q=1")
        #expect(route.backend == Self.app)
        // Every response hides the upstream's `Server` (`ProxyConfiguration.hiddenResponseFields`).
        #expect(
            policy == ExchangePolicy(route: Self.streaming, declaredEventStream: false, responseFields: [ResponseField(hiding: "Server")]))
    }

    /// The route's `sse-paths` decide on the path alone (element-wise, query cut), and an
    /// absolute-form target is routed, and forwarded, by its own authority and path.
    @Test(arguments: [
        ("/chat", true), ("/chat/", true), ("/chat/room?x=1", true), ("/chatter", false), ("/", false),
        ("http://example.com/chat/1", true), ("HTTPS://example.com/other", false),
    ])
    func theEventStreamDeclarationFollowsThePath(_ uri: String, declared: Bool) {
        guard case .forward(let head, _, let policy) = Self.decide(Self.head(.GET, uri, [("Host", "elsewhere.org")]).withHost(uri))
        else { Issue.record("\(uri) not forwarded"); return }
        #expect(policy.declaredEventStream == declared, "\(uri)")
        #expect(head.uri.hasPrefix("/"), "\(uri)")
    }

    @Test(arguments: [
        ([("Accept", "*/*")], HTTPResponseStatus.badRequest),
        ([("Host", "a b")], .badRequest),
        ([("Host", "a"), ("Host", "b")], .badRequest),
        ([("Host", "example.com"), ("Content-Length", "1"), ("Transfer-Encoding", "chunked")], .badRequest),
        ([("Host", "example.com"), ("Transfer-Encoding", "gzip")], .badRequest),
        ([("Host", "example.com"), ("X-Big", String(repeating: "x", count: 9000))], .requestHeaderFieldsTooLarge),
    ])
    func aBadRequestIsRejectedAndClosesTheConnection(_ fields: [(String, String)], status: HTTPResponseStatus) {
        guard case .reject(let error) = Self.decide(Self.head(.POST, "/", fields)) else {
            Issue.record("not rejected: \(fields.map(\.0))")
            return
        }
        #expect(error.status == status)
        #expect(error.closeConnection)
    }

    /// Nothing serves the request: 404 for an unknown host, 503 for a backend without endpoints;
    /// whether a body follows decides when the answer goes out.
    @Test(arguments: [
        (HTTPMethod.GET, "other.org", "/", [(String, String)](), HTTPResponseStatus.notFound, false),
        (.POST, "other.org", "/", [("Content-Length", "5")], .notFound, true),
        (.POST, "other.org", "/", [("Content-Length", "0")], .notFound, false),
        (.PUT, "other.org", "/", [("Transfer-Encoding", "chunked")], .notFound, true),
        (.GET, "example.com", "/gone/x", [], .serviceUnavailable, false),
    ])
    func aRequestNothingServesIsRefused(
        _ method: HTTPMethod, _ host: String, _ uri: String, _ fields: [(String, String)], status: HTTPResponseStatus,
        hasBody: Bool
    ) {
        guard case .refuse(let error, let requestHasBody) = Self.decide(Self.head(method, uri, [("Host", host)] + fields))
        else { Issue.record("not refused"); return }
        #expect(error.status == status)
        #expect(!error.closeConnection)
        #expect(requestHasBody == hasBody)
    }

    /// A route that fails closed is refused whatever it would otherwise do, before its endpoints
    /// are looked at: `503` naming why, never forwarded, the connection kept.
    @Test(arguments: [
        (HTTPMethod.GET, "/admin", [(String, String)](), "default/c", false),
        (.GET, "/admin/users?id=1", [], "default/c", false),
        (.POST, "/admin", [("Content-Length", "5")], "default/c", true),
        (.GET, "/gone/admin/x", [], "default/d", false),
    ])
    func aRouteThatFailsClosedIsRefused(
        _ method: HTTPMethod, _ uri: String, _ fields: [(String, String)], source: String, hasBody: Bool
    ) {
        guard case .refuse(let error, let requestHasBody) = Self.decide(Self.head(method, uri, [("Host", "example.com")] + fields))
        else { Issue.record("\(uri) not refused"); return }
        #expect(error.status == .serviceUnavailable)
        #expect(error.message == "route of \(source) refused (fails closed): unsupported access-control annotations: auth-url")
        #expect(!error.closeConnection)
        #expect(requestHasBody == hasBody)
    }

    /// The client's `Accept-Encoding` is read into the policy on a route that compresses, and
    /// only there.
    @Test(arguments: [(true, "gzip, deflate", AcceptEncoding?.some(.gzip)), (true, "br", nil), (false, "gzip", nil)])
    func theClientsCodingIsReadOnCompressingRoutes(compression: Bool, acceptEncoding: String, coding: AcceptEncoding?) {
        let route = Route(
            host: HostMatch(ingressHost: "example.com"), path: .prefix(ingressPath: "/"), backend: Self.app,
            policy: RoutePolicy(compression: compression), source: "default/a")
        let head = Self.head(.GET, "/", [("Host", "example.com"), ("Accept-Encoding", acceptEncoding)])
        guard case .forward(_, _, let policy) = Self.decide(head, table: RoutingTable(routes: [route]))
        else { Issue.record("not forwarded"); return }
        #expect(policy.clientCoding == coding)
    }

    /// A gRPC route answers HTTP/1 with `426` naming HTTP/2 (the call's status would travel in
    /// trailers an HTTP/1.1 client drops), and forwards HTTP/2 with its protocol in the policy.
    @Test(arguments: [(HTTPVersion.http1_1, false), (.http2, true)])
    func aGRPCRouteNeedsHTTP2(version: HTTPVersion, forwarded: Bool) {
        let grpc = UpstreamProtocol(version: .http2, grpc: true)
        let route = Route(
            host: HostMatch(ingressHost: "example.com"), path: .prefix(ingressPath: "/"), backend: Self.app,
            policy: RoutePolicy(upstreamProtocol: grpc), source: "default/grpc")
        var head = Self.head(.POST, "/pkg.Service/Call", [("Host", "example.com"), ("Content-Type", "application/grpc")])
        head.version = version
        switch Self.decide(head, table: RoutingTable(routes: [route])) {
        case .forward(_, _, let policy):
            #expect(forwarded)
            #expect(policy.upstreamProtocol == grpc)
        case .refuse(let error, _):
            #expect(!forwarded)
            #expect(error.status == .upgradeRequired)
            #expect(error.head().headers["upgrade"] == ["h2c"])
            #expect(error.head().headers["connection"] == ["upgrade"])
        default:
            Issue.record("neither forwarded nor refused")
        }
    }

    @Test func theDefaultBackendTakesWhatNoRuleMatches() {
        let catchAll = Route(
            host: .any, path: .prefix(ingressPath: "/"), backend: Self.app, source: "default/catch-all")
        let withDefault = RoutingTable(routes: Self.table.routes, defaultBackend: catchAll)
        guard case .forward(_, let route, _) = Self.decide(Self.head(.GET, "/x", [("Host", "other.org")]), table: withDefault)
        else { Issue.record("not forwarded"); return }
        #expect(route.source == "default/catch-all")
    }
}

extension HTTPRequestHead {
    /// This head with `Host: example.com` when its target is in origin form (an absolute-form
    /// target names its own authority).
    fileprivate func withHost(_ uri: String) -> HTTPRequestHead {
        guard uri.hasPrefix("/") else { return self }
        var head = self
        head.headers.replaceOrAdd(name: "Host", value: "example.com")
        return head
    }
}
