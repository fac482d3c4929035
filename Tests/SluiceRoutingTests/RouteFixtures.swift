import SluiceRouting

/// Small builders so each test states only the routes it is about.
enum Fixture {
    static func backend(_ name: String) -> Backend {
        Backend(name: name, endpoints: [Endpoint(host: "10.0.0.1", port: 8080)])
    }

    static func route(_ host: HostMatch = .any, _ path: PathMatch, to name: String = "default/svc:80", source: String = "default/ing") -> Route {
        Route(host: host, path: path, backend: backend(name), source: source)
    }

    /// A path as an Ingress writes it: `=/foo` is Exact, anything else Prefix.
    static func path(_ text: String) -> PathMatch {
        text.hasPrefix("=") ? .exact(String(text.dropFirst())) : .prefix(ingressPath: text)
    }

    /// A table with one route per path (any host), each backend named after its path text.
    static func table(paths: [String]) -> RoutingTable {
        RoutingTable(routes: paths.map { route(.any, path($0), to: $0) })
    }
}
