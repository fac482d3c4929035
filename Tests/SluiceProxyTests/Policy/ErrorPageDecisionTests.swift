import NIOHTTP1
import SluiceRouting
import Testing

@testable import SluiceProxy

/// `ErrorPageDecision` as a table: which backend makes the pages, which statuses are replaced
/// (never once the client has part of the response), and the request the error backend gets.
@Suite("Error page decision")
struct ErrorPageDecisionTests {
    private static let own = Backend(name: "shop/errors:8080", endpoints: [Endpoint(host: "10.0.9.1", port: 8080)])
    private static let shared = Backend(name: "ingress-nginx/default:80", endpoints: [Endpoint(host: "10.0.8.1", port: 8080)])

    private static func route(codes: [Int], own: Backend?) -> Route {
        var policy = RoutePolicy()
        policy.customHTTPErrors = codes
        return Route(
            host: .exact("shop.example.com"), path: .prefix(ingressPath: "/"),
            backend: Backend(name: "shop/web:80", endpoints: []), policy: policy, source: "shop/web", defaultBackend: own)
    }

    private static let tableWithDefault = RoutingTable(
        routes: [], defaultBackend: Route(host: .any, path: .prefix(""), backend: shared, source: "--default-backend-service"))

    @Test func theIngressBackendWinsThenTheTables() {
        #expect(ErrorPageDecision.pages(route: Self.route(codes: [503], own: Self.own), table: Self.tableWithDefault)?.backend == Self.own)
        #expect(ErrorPageDecision.pages(route: Self.route(codes: [503], own: nil), table: Self.tableWithDefault)?.backend == Self.shared)
        let empty = Backend(name: "shop/errors:8080", endpoints: [])
        #expect(ErrorPageDecision.pages(route: Self.route(codes: [503], own: empty), table: Self.tableWithDefault)?.backend == Self.shared)
        #expect(ErrorPageDecision.pages(route: Self.route(codes: [503], own: nil), table: .empty) == nil)
        #expect(ErrorPageDecision.pages(route: Self.route(codes: [], own: Self.own), table: Self.tableWithDefault) == nil)
    }

    @Test func onlyListedStatusesBeforeTheClientGotAnything() {
        let pages = ErrorPages(codes: [404, 503], backend: Self.own)
        #expect(ErrorPageDecision.replaces(status: 503, pages: pages, clientReceivedResponse: false))
        #expect(ErrorPageDecision.replaces(status: 404, pages: pages, clientReceivedResponse: false))
        #expect(!ErrorPageDecision.replaces(status: 502, pages: pages, clientReceivedResponse: false))
        #expect(!ErrorPageDecision.replaces(status: 200, pages: pages, clientReceivedResponse: false))
        #expect(!ErrorPageDecision.replaces(status: 503, pages: pages, clientReceivedResponse: true))
        #expect(!ErrorPageDecision.replaces(status: 503, pages: nil, clientReceivedResponse: false))
    }

    @Test func theErrorBackendGetsIngressNginxsFields() {
        var headers = HTTPHeaders([("Host", "shop.example.com"), ("Accept", "text/html"), ("Cookie", "secret=1")])
        headers.add(name: "Content-Length", value: "5")
        // A rewritten request: the backend was asked for /cart?x=1, the client sent /shop/cart?x=1.
        let head = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/cart?x=1", headers: headers)
        let request = ErrorPageDecision.request(
            for: head, originalURI: "/shop/cart?x=1", code: 503, source: "shop/web", backendName: "shop/web:80", requestID: "abc")
        #expect(request.method == .GET)
        #expect(request.uri == "/", "ingress-nginx's error location asks for / (rewrite (.*) / break)")
        let expected: [(String, String)] = [
            ("Host", "shop.example.com"), ("Accept", "text/html"), ("X-Code", "503"), ("X-Format", "text/html"),
            ("X-Original-URI", "/shop/cart?x=1"), ("X-Namespace", "shop"), ("X-Ingress-Name", "web"), ("X-Service-Name", "web"),
            ("X-Service-Port", "80"), ("X-Request-ID", "abc"),
        ]
        #expect(request.headers.map { [$0.name, $0.value] } == expected.map { [$0.0, $0.1] })
        let headRequest = HTTPRequestHead(version: .http1_1, method: .HEAD, uri: "/", headers: headers)
        #expect(ErrorPageDecision.request(for: headRequest, originalURI: "/", code: 404, source: "a/b", backendName: "a/c:1", requestID: "r").method == .HEAD)
    }
}
