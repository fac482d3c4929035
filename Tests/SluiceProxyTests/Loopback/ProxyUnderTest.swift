import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SluiceDemo
import SluiceProxy
import SluiceRouting
import SluiceTestSupport

/// A proxy listening on 127.0.0.1 and an ephemeral port, configured by `ProxyDataPlane` exactly
/// as `ProxyService` does it, with the accepted connections at hand (for quiesce tests).
struct ProxyUnderTest {
    let store: RoutingTableStore
    let dataPlane: ProxyDataPlane
    let port: Int
    private let listener: any Channel
    private let accepted: NIOLockedValueBox<[any Channel]>

    static func start(
        _ table: RoutingTable,
        configuration: ProxyConfiguration = ProxyConfiguration(),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> ProxyUnderTest {
        let store = RoutingTableStore(initial: table, replicasFor: group)
        var logger = Logger(label: "test.proxy")
        logger.logLevel = .critical
        let dataPlane = ProxyDataPlane(store: store, configuration: configuration, eventLoopGroup: group, logger: logger)
        let accepted = NIOLockedValueBox<[any Channel]>([])
        let listener = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 1024)
            .childChannelInitializer { channel in
                accepted.withLockedValue { $0.append(channel) }
                return dataPlane.configure(channel: channel)
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return ProxyUnderTest(
            store: store, dataPlane: dataPlane, port: listener.localAddress!.port!, listener: listener, accepted: accepted)
    }

    var metrics: ProxyMetrics { dataPlane.metrics }

    /// Sends `ChannelShouldQuiesceEvent` to every accepted connection, as `ProxyService` does on SIGTERM.
    func quiesce() {
        for channel in accepted.withLockedValue({ $0 }) {
            channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        }
    }

    func stop() async {
        try? await listener.close()
        for channel in accepted.withLockedValue({ $0 }) {
            try? await channel.close()
        }
    }

    func connect(autoRead: Bool = true) async throws -> TestClient {
        try await TestClient.connect(port: port, autoRead: autoRead)
    }
}

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
