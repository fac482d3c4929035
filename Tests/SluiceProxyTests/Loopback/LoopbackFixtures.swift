import Glibc
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

/// A loopback port that refuses connections: a socket bound to it but not listening, so a
/// connect gets a reset. The socket stays open until the test process exits, so no other test
/// running in parallel can bind the port meanwhile (a port freed by closing a server could be
/// taken, and then it would answer).
func refusedEndpoint() async throws -> Endpoint {
    let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard socket >= 0 else { throw RefusedPortError.socket(errno) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
            bind(socket, generic, length) == 0 && getsockname(socket, generic, &length) == 0
        }
    }
    guard bound else { throw RefusedPortError.socket(errno) }
    return Endpoint(host: "127.0.0.1", port: Int(UInt16(bigEndian: address.sin_port)))
}

private enum RefusedPortError: Error {
    case socket(Int32)
}
