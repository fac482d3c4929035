import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import SluiceRouting
import SluiceTestSupport

@testable import SluiceProxy

/// Upstream connections as `EmbeddedChannel`s on one `EmbeddedEventLoop` (an `UpstreamConnector`
/// for a `ProxyDataPlane`), and the data plane's log: the upstream side of the embedded client
/// connections (`EmbeddedProxyConnection`, `EmbeddedHTTP2Connection`).
final class EmbeddedUpstreams {
    let loop = EmbeddedEventLoop()
    private let channels = NIOLockedValueBox<[EmbeddedChannel]>([])
    /// `"LEVEL message"` of each line the data plane logged at `info` or above.
    let logged = NIOLockedValueBox<[String]>([])

    /// A data plane on ``loop`` whose upstream connections are embedded channels.
    func dataPlane(_ table: RoutingTable, configuration: ProxyConfiguration) -> ProxyDataPlane {
        let loop = self.loop
        let channels = self.channels
        let connector = UpstreamConnector { endpoint, _, _, _, initialize in
            let channel = EmbeddedChannel(loop: loop)
            do {
                try initialize(channel)
                channels.withLockedValue { $0.append(channel) }
                let address = try SocketAddress(ipAddress: endpoint.host, port: endpoint.port)
                return channel.connect(to: address).map { channel }
            } catch {
                return loop.makeFailedFuture(error)
            }
        }
        let logged = self.logged
        var logger = Logger(label: "test.embedded-proxy") { _ in RecordingLogHandler(events: logged) }
        logger.logLevel = .info
        return ProxyDataPlane(
            store: RoutingTableStore(initial: table, replicaCount: 1), configuration: configuration, eventLoopGroup: loop,
            logger: logger, connector: connector)
    }

    /// Upstream connections opened so far, oldest first.
    var opened: [EmbeddedChannel] { channels.withLockedValue { $0 } }

    /// Bytes from upstream `index`, in one read.
    func upstream(_ index: Int = 0, sends text: String) throws {
        try opened[index].writeInbound(ByteBuffer(string: text))
    }

    /// What the proxy wrote to upstream `index` since the last call.
    func received(_ index: Int = 0) throws -> String {
        try Self.drain(opened[index])
    }

    /// The endpoint of ``table(_:)``'s one backend (nothing listens there: the connector makes
    /// embedded channels).
    static let endpoint = Endpoint(host: "10.0.0.1", port: 8080)

    /// One route, `example.com` `/` prefix, to `default/app:80` at ``endpoint``, under `policy`.
    static func table(_ policy: RoutePolicy = .default) -> RoutingTable {
        RoutingTable(routes: [
            Route(
                host: HostMatch(ingressHost: "example.com"), path: .prefix(ingressPath: "/"),
                backend: Backend(name: "default/app:80", endpoints: [endpoint]), policy: policy, source: "default/app")
        ])
    }

    /// Runs `loop` and moves bytes between two embedded connections until neither has more.
    static func moveBytes(between client: EmbeddedChannel, and server: EmbeddedChannel, loop: EmbeddedEventLoop) throws {
        loop.run()
        var moved = true
        while moved {
            moved = false
            while let bytes = try client.readOutbound(as: ByteBuffer.self) {
                try server.writeInbound(bytes)
                moved = true
            }
            while let bytes = try server.readOutbound(as: ByteBuffer.self) {
                try client.writeInbound(bytes)
                moved = true
            }
            loop.run()
        }
    }

    /// What was written to `channel` since the last call, as text.
    static func drain(_ channel: EmbeddedChannel) throws -> String {
        var text = ""
        while let data = try channel.readOutbound(as: IOData.self) {
            if case .byteBuffer(let buffer) = data { text += String(buffer: buffer) }
        }
        return text
    }
}
