import SluiceDemo
import SluiceRouting
import SluiceTestSupport

extension Endpoint {
    static func local(_ server: UpstreamServer) -> Endpoint {
        Endpoint(host: "127.0.0.1", port: server.port)
    }

    static func local(_ server: DemoUpstreamServer) -> Endpoint {
        Endpoint(host: "127.0.0.1", port: server.port)
    }
}

/// A table with one route for `host` (any host when nil) and `path` prefix.
func table(
    host: String? = "example.com",
    path: String = "/",
    endpoints: [Endpoint],
    backend: String = "default/app:80",
    policy: RoutePolicy = .default
) -> RoutingTable {
    RoutingTable(routes: [
        Route(
            host: HostMatch(ingressHost: host), path: .prefix(ingressPath: path),
            backend: Backend(name: backend, endpoints: endpoints), policy: policy, source: "default/test")
    ])
}

/// `GET /ws` asking for a WebSocket, with the RFC 6455 example key (its accept value is
/// `s3pPLMBiTxaQ9kYGzzhZRbK+xOo=`).
func webSocketUpgradeRequest() -> String {
    get("/ws", extra: [
        "Connection: Upgrade", "Upgrade: websocket",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13",
    ])
}

/// `GET path` with `Host: example.com`, plus `extra` header lines.
func get(_ path: String, host: String = "example.com", extra: [String] = []) -> String {
    request("GET", path, host: host, extra: extra)
}

func request(_ method: String, _ path: String, host: String = "example.com", extra: [String] = [], body: String? = nil) -> String {
    var lines = ["\(method) \(path) HTTP/1.1", "Host: \(host)"] + extra
    if let body { lines.append("Content-Length: \(body.utf8.count)") }
    return lines.joined(separator: "\r\n") + "\r\n\r\n" + (body ?? "")
}
