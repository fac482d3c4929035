import SluiceRouting
import SluiceTestSupport
import Testing

@testable import SluiceProxy

/// `default-backend` and `custom-http-errors` over real sockets: the Ingress's default backend
/// answers for a backend without endpoints; the table's answers unmatched hosts; a listed status
/// is replaced by the default backend's answer to a request carrying ingress-nginx's fields (the
/// echo upstream's body shows what it received).
@Suite("Proxy error pages")
struct ProxyErrorPageTests {
    private static func route(
        _ endpoints: [Endpoint], policy: RoutePolicy = .default, defaultBackend: [Endpoint]? = nil
    ) -> Route {
        Route(
            host: .exact("example.com"), path: .prefix(ingressPath: "/"),
            backend: Backend(name: "default/app:80", endpoints: endpoints), policy: policy, source: "default/test",
            defaultBackend: defaultBackend.map { Backend(name: "default/errors:8080", endpoints: $0) })
    }

    @Test(arguments: [true, false])
    func theIngressDefaultBackendAnswersWhenTheBackendHasNoEndpoints(withDefaultBackend: Bool) async throws {
        try await withUpstream(.echo) { fallback in
            let table = RoutingTable(routes: [Self.route([], defaultBackend: withDefaultBackend ? [.local(fallback)] : nil)])
            try await withProxy(table) { proxy in
                let client = try await proxy.connect()
                try await client.send(get("/cart"))
                let response = try await client.readResponse()
                #expect(response.status == (withDefaultBackend ? 200 : 503))
                if withDefaultBackend {
                    #expect(response.header("x-upstream-port") == String(fallback.port))
                    #expect(response.bodyText.hasPrefix("GET /cart HTTP/1.1"))
                }
            }
        }
    }

    @Test func theTableDefaultBackendAnswersUnmatchedHosts() async throws {
        try await withUpstream(.echo) { app in
            try await withUpstream(.echo) { fallback in
                let table = RoutingTable(
                    routes: [Self.route([.local(app)])],
                    defaultBackend: Route(
                        host: .any, path: .prefix(""), backend: Backend(name: "ingress-nginx/errors:80", endpoints: [.local(fallback)]),
                        source: "--default-backend-service"))
                try await withProxy(table) { proxy in
                    let client = try await proxy.connect()
                    try await client.send(get("/anything", host: "unknown.example.org"))
                    let response = try await client.readResponse()
                    #expect(response.status == 200)
                    #expect(response.header("x-upstream-port") == String(fallback.port))
                    #expect(app.acceptedConnections == 0)
                }
            }
        }
    }

    /// A `503` from the backend becomes the default backend's answer; the default backend saw
    /// `X-Code: 503` and the rest. A `404`, not listed, reaches the client as it is.
    @Test(arguments: [503, 404])
    func customHTTPErrorsReplaceAListedStatus(status: Int) async throws {
        let answer = "HTTP/1.1 \(status) Oops\r\nContent-Length: 4\r\n\r\noops"
        var policy = RoutePolicy()
        policy.customHTTPErrors = [500, 503]
        try await withUpstream(.script([answer])) { app in
            try await withUpstream(.echo) { errors in
                let table = RoutingTable(routes: [Self.route([.local(app)], policy: policy, defaultBackend: [.local(errors)])])
                try await withProxy(table) { proxy in
                    let client = try await proxy.connect()
                    try await client.send(get("/shop?item=1", extra: ["Accept: application/json", "X-Request-ID: req-42"]))
                    let response = try await client.readResponse()
                    #expect(app.acceptedConnections == 1)
                    guard status == 503 else {
                        #expect(response.status == 404)
                        #expect(response.bodyText == "oops")
                        #expect(errors.acceptedConnections == 0)
                        return
                    }
                    #expect(response.status == 200)
                    #expect(response.header("x-upstream-port") == String(errors.port))
                    let seen = response.bodyText
                    #expect(seen.hasPrefix("GET / HTTP/1.1\n"), "as ingress-nginx asks its error backend")
                    for line in [
                        "x-code: 503", "x-format: application/json", "x-original-uri: /shop?item=1", "x-namespace: default",
                        "x-ingress-name: test", "x-service-name: app", "x-service-port: 80", "x-request-id: req-42",
                        "host: example.com",
                    ] {
                        #expect(seen.contains("\n\(line)\n"), "\(line) missing in:\n\(seen)")
                    }
                }
            }
        }
    }

    /// Without a `default-backend` of its own, a route's error pages come from the table's.
    @Test func withoutItsOwnDefaultBackendTheTablesMakesThePage() async throws {
        var policy = RoutePolicy()
        policy.customHTTPErrors = [503]
        try await withUpstream(.script(["HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n"])) { app in
            try await withUpstream(.echo) { errors in
                let table = RoutingTable(
                    routes: [Self.route([.local(app)], policy: policy)],
                    defaultBackend: Route(
                        host: .any, path: .prefix(""), backend: Backend(name: "ingress-nginx/errors:80", endpoints: [.local(errors)]),
                        source: "--default-backend-service"))
                try await withProxy(table) { proxy in
                    let client = try await proxy.connect()
                    try await client.send(get("/"))
                    let response = try await client.readResponse()
                    #expect(response.header("x-upstream-port") == String(errors.port))
                    #expect(response.bodyText.contains("\nx-code: 503\n"))
                }
            }
        }
    }
}
