import KubeModels
@testable import SluiceIngress
import SluiceRouting
import Testing

@Suite("Ingress graph: virtual hosts → routes → backends")
struct IngressGraphTests {
    static let options = TranslationOptions(servesClasslessWithoutIngressClasses: true)

    static func build(_ snapshot: ClusterSnapshot) -> IngressGraphBuild {
        IngressGraphBuilder.build(snapshot, options: options)
    }

    @Test func twoIngressesOnOneHostMergeIntoOneVirtualHost() throws {
        let older = ingress("chat", age: 1, rules: [rule("foo.com", paths: [("/chat", "chat")])])
        let newer = ingress("web", age: 2, rules: [rule("FOO.com", paths: [("/", "web"), ("/chat", "web")])])
        let build = Self.build(ClusterSnapshot(ingresses: [newer, older], services: [service("chat"), service("web")]))

        #expect(build.graph.virtualHosts.keys.sorted() == [.exact("foo.com")])
        let host = try #require(build.graph.virtualHosts[.exact("foo.com")])
        #expect(host.routesInPrecedenceOrder.map(\.path) == [.prefix("/chat"), .prefix("")])
        #expect(host.routes[.prefix("/chat")]?.source == "default/chat")
        #expect(host.routes[.prefix("")]?.source == "default/web")
        #expect(build.diagnostics.map(\.reason) == [DiagnosticReason.conflictLost])
    }

    @Test func tlsSlotCarriesTheSecretOfTheHostsListedInSpecTLS() throws {
        var secured = ingress("shop", age: 1, rules: [rule("shop.com", paths: [("/", "web")]), rule("plain.com", paths: [("/", "web")])])
        secured.spec?.tls = [IngressTLS(hosts: ["shop.com", "*.shop.com"], secretName: "shop-cert")]
        var newer = ingress("late", age: 2, rules: [rule("shop.com", paths: [("/late", "web")])])
        newer.spec?.tls = [IngressTLS(hosts: ["shop.com"], secretName: "late-cert")]
        let build = Self.build(ClusterSnapshot(ingresses: [secured, newer], services: [service("web")]))

        let expected = VirtualHostTLS(secret: SecretReference(namespace: "default", name: "shop-cert"), source: "default/shop")
        #expect(build.graph.virtualHosts[.exact("shop.com")]?.tls == expected)
        #expect(build.graph.virtualHosts[.wildcard(suffix: ".shop.com")]?.tls == expected)
        #expect(build.graph.virtualHosts[.wildcard(suffix: ".shop.com")]?.routes.isEmpty == true)
        #expect(build.graph.virtualHosts[.exact("plain.com")]?.tls == nil)
        #expect(build.diagnostics.map { "\($0.name) \($0.reason)" } == ["shop TLSSecretNotFound", "late TLSSecretNotFound"])

        let table = RoutingTableAssembler.table(from: build.graph)
        #expect(table.routes.map(\.host) == [.exact("plain.com"), .exact("shop.com"), .exact("shop.com")])
    }

    @Test func onlyADefaultBackendMakesNoVirtualHost() throws {
        var fallback = ingress("fallback", age: 1, rules: [])
        fallback.spec?.defaultBackend = IngressBackend(service: IngressServiceBackend(name: "web", port: ServiceBackendPort(number: 80)))
        let build = Self.build(ClusterSnapshot(ingresses: [fallback], services: [service("web")]))

        #expect(build.graph.virtualHosts.isEmpty)
        let route = try #require(build.graph.defaultRoute)
        #expect(route.backend == reference("web"))
        #expect(route.path == .prefix(""))
        #expect(build.graph.backends[reference("web")]?.name == "default/web:80")

        let table = RoutingTableAssembler.table(from: build.graph)
        #expect(table.routes.isEmpty)
        #expect(table.defaultBackend?.source == "default/fallback")
        #expect(table.match(host: "any.example", path: "/x")?.backend.name == "default/web:80")
    }

    @Test func eachServicePortIsResolvedOnceAndReportedToEveryRouteUsingIt() {
        let one = ingress("one", age: 1, rules: [rule("a.com", paths: [("/", "web"), ("/x", "gone")])])
        let two = ingress("two", age: 2, rules: [rule("b.com", paths: [("/", "web"), ("/y", "gone")])])
        let build = Self.build(ClusterSnapshot(ingresses: [one, two], services: [service("web")]))

        #expect(Set(build.graph.backends.keys) == [reference("web"), reference("gone")])
        #expect(build.graph.backends[reference("gone")] == Backend(name: "default/gone:80", endpoints: []))
        #expect(build.diagnostics.map { "\($0.name) \($0.reason)" } == ["one ServiceNotFound", "two ServiceNotFound"])
    }

    @Test func diagnosticsFollowTheIngressFieldsWhicheverProcessorFindsThem() {
        let older = ingress("older", age: 1, rules: [rule("a.com", paths: [("/taken", "web")])])
        var newer = ingress("newer", age: 2, rules: [rule("a.com", paths: [("/missing", "gone"), ("/taken", "web")])])
        newer.spec?.tls = [IngressTLS(hosts: ["a.com"], secretName: "absent")]
        newer.metadata.annotations = [IngressAnnotations.proxyReadTimeout: "soon"]
        let build = Self.build(ClusterSnapshot(ingresses: [newer, older], services: [service("web")]))

        #expect(build.diagnostics.map(\.reason) == [
            DiagnosticReason.invalidAnnotation, DiagnosticReason.serviceNotFound, DiagnosticReason.conflictLost,
            DiagnosticReason.tlsSecretNotFound,
        ])
    }

    @Test func tableFromTheGraphKeepsLongestMatchOrder() {
        let web = reference("web")
        func node(_ path: PathMatch) -> RouteNode { RouteNode(path: path, backend: web, policy: .default, source: "default/x") }
        var graph = IngressGraph()
        for path in [PathMatch.prefix(""), .prefix("/aaa/bbb"), .exact("/aaa"), .prefix("/aaa")] {
            graph[host: .any].routes[path] = node(path)
            graph[host: .exact("foo.com")].routes[path] = node(path)
        }
        graph[host: .wildcard(suffix: ".foo.com")].routes[.prefix("/w")] = node(.prefix("/w"))
        graph.backends[web] = Backend(name: "default/web:80", endpoints: [Endpoint(host: "10.0.0.1", port: 8080)])

        let table = RoutingTableAssembler.table(from: graph)
        let order = ["/aaa/bbb", "=/aaa", "/aaa", "/"]
        #expect(table.routes.map { "\($0.host.text) \($0.path.text)" } == order.map { "foo.com \($0)" } + ["*.foo.com /w"] + order.map { "* \($0)" })
        #expect(table.match(host: "foo.com", path: "/aaa/bbb/ccc")?.path == .prefix("/aaa/bbb"))
        #expect(table.match(host: "foo.com", path: "/aaa")?.path == .exact("/aaa"))
        #expect(table.match(host: "other.com", path: "/ccc")?.path == .prefix(""))
        #expect(table.routes.allSatisfy { $0.backend.endpoints == [Endpoint(host: "10.0.0.1", port: 8080)] })
    }

    @Test func aReferenceWithoutResolvedBackendRoutesToNoEndpoints() {
        var graph = IngressGraph()
        graph[host: .any].routes[.prefix("")] = RouteNode(path: .prefix(""), backend: reference("web"), policy: .default, source: "default/x")
        #expect(RoutingTableAssembler.table(from: graph).routes.map(\.backend) == [Backend(name: "default/web:80", endpoints: [])])
    }

    /// A refusal the annotation reader decided (a bad allow list, a bad `proxy-ssl-verify`) stays
    /// on the routes when the nginx annotation audit has none of its own.
    @Test func aRefusalOfTheAnnotationReaderReachesTheRoutes() throws {
        for annotations in [
            ["sluice.io/allowlist-source-range": "not-an-address"],
            ["sluice.io/backend-protocol": "HTTPS", "sluice.io/proxy-ssl-verify": "yes"],
        ] {
            var guarded = ingress("guarded", age: 1, rules: [rule("foo.com", paths: [("/", "web")])])
            guarded.metadata.annotations = annotations
            let build = Self.build(ClusterSnapshot(ingresses: [guarded], services: [service("web")]))
            let table = RoutingTableAssembler.table(from: build.graph)
            #expect(table.routes.first?.policy.refusal != nil, "\(annotations)")
        }
    }

    /// TLS to a backend names the route's own Service by default, the default backend's too.
    @Test func theDefaultServerNameIsEachRoutesService() throws {
        var secure = ingress("secure", age: 1, rules: [rule("foo.com", paths: [("/", "web"), ("/chat", "chat")])])
        secure.metadata.annotations = ["sluice.io/backend-protocol": "HTTPS"]
        secure.spec?.defaultBackend = IngressBackend(service: IngressServiceBackend(name: "web", port: ServiceBackendPort(number: 80)))
        let build = Self.build(ClusterSnapshot(ingresses: [secure], services: [service("web"), service("chat")]))
        let table = RoutingTableAssembler.table(from: build.graph)
        #expect(table.routes.map { $0.policy.upstreamProtocol.tls?.serverName } == ["chat.default.svc", "web.default.svc"])
        #expect(table.defaultBackend?.policy.upstreamProtocol.tls?.serverName == "web.default.svc")
    }
}

private func reference(_ service: String) -> BackendReference {
    BackendReference(namespace: "default", service: IngressServiceBackend(name: service, port: ServiceBackendPort(number: 80)))
}

private func service(_ name: String) -> Service {
    Service(metadata: ObjectMeta(name: name, namespace: "default"), spec: ServiceSpec(ports: [ServicePort(name: "http", port: 80)]))
}

private func rule(_ host: String, paths: [(path: String, service: String)]) -> IngressRule {
    IngressRule(host: host, http: HTTPIngressRuleValue(paths: paths.map {
        HTTPIngressPath(path: $0.path, pathType: .prefix, backend: IngressBackend(
            service: IngressServiceBackend(name: $0.service, port: ServiceBackendPort(number: 80))))
    }))
}

/// An Ingress in `default`, created on day `age` of 2026 (a smaller age is older).
private func ingress(_ name: String, age: Int, rules: [IngressRule]) -> Ingress {
    Ingress(
        metadata: ObjectMeta(name: name, namespace: "default", creationTimestamp: "2026-01-0\(age)T00:00:00Z"),
        spec: IngressSpec(rules: rules)
    )
}
