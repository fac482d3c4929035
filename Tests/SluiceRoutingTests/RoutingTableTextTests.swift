import SluiceRouting
import Testing

@Suite("RoutingTableText")
struct RoutingTableTextTests {
    @Test func rendersRoutesPolicyAndDefaultBackend() {
        var policy = RoutePolicy.default
        policy.readTimeout = .seconds(60)
        policy.streamIdleTimeout = .seconds(7200)
        policy.maxStreamDuration = .milliseconds(1500)
        policy.eventStreamPaths = ["/api/chat", ""]
        policy.compression = true
        let route = Route(
            host: .exact("foo.com"), path: .exact("/exact"),
            backend: Backend(name: "default/svc:80", endpoints: [Endpoint(host: "10.0.0.1", port: 8080), Endpoint(host: "::1", port: 81)]),
            policy: policy, source: "default/web"
        )
        let fallback = Route(host: .any, path: .prefix(""), backend: Backend(name: "default/fb:80", endpoints: []), source: "default/fb")
        let text = RoutingTableText.render(RoutingTable(routes: [route], defaultBackend: fallback))
        #expect(text == """
            foo.com =/exact -> default/svc:80 [10.0.0.1:8080 [::1]:81] stream-idle=2h max-stream=1500ms sse=/api/chat,/ compression=on from=default/web
            default -> default/fb:80 [] from=default/fb

            """)
    }

    @Test func aRouteThatFailsClosedShowsWhy() {
        let policy = RoutePolicy(refusal: RouteRefusal(reason: "unsupported access annotations: auth-url"))
        let route = Route(
            host: .exact("foo.com"), path: .prefix(ingressPath: "/"),
            backend: Backend(name: "default/svc:80", endpoints: [Endpoint(host: "10.0.0.1", port: 8080)]),
            policy: policy, source: "default/web")
        #expect(RoutingTableText.render(RoutingTable(routes: [route])) == """
            foo.com / -> default/svc:80 [10.0.0.1:8080] refused="unsupported access annotations: auth-url" from=default/web

            """)
    }

    @Test(arguments: [
        (UpstreamProtocol(tls: UpstreamTLS(serverName: "api.default.svc")), "upstream=https tls-name=api.default.svc verify=off"),
        (UpstreamProtocol(tls: UpstreamTLS(serverName: "api.internal", verify: true, trustedCertificatesPEM: "PEM")),
         "upstream=https tls-name=api.internal verify=on ca=fnv:8d58b919f3c70ba9"),
        (UpstreamProtocol(version: .http2), "upstream=h2c"),
        (UpstreamProtocol(version: .http2, grpc: true), "upstream=grpc"),
        (UpstreamProtocol(version: .http2, tls: UpstreamTLS(), grpc: true), "upstream=grpcs verify=off"),
    ])
    func showsANonDefaultUpstreamProtocol(upstream: UpstreamProtocol, text: String) {
        #expect(RoutingTableText.policyFields(RoutePolicy(upstreamProtocol: upstream)) == text.split(separator: " ").map(String.init))
    }

    @Test func theDefaultUpstreamProtocolIsNotShown() {
        #expect(RoutingTableText.policyFields(RoutePolicy(upstreamProtocol: .http)).isEmpty)
    }

    @Test func emptyTableRendersNothing() {
        #expect(RoutingTableText.render(.empty) == "")
    }

    @Test(arguments: [
        (Duration.seconds(3600), "1h"), (.seconds(300), "5m"), (.seconds(90), "90s"), (.seconds(0), "0s"),
        (.milliseconds(1500), "1500ms"), (.seconds(7 * 24 * 3600), "168h"),
    ])
    func formatsDurations(duration: Duration, text: String) {
        #expect(RoutingTableText.format(duration) == text)
    }
}
