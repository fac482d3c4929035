import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import SluiceRouting
import SluiceTestSupport

@testable import SluiceProxy

/// One client connection of the production data plane (`ProxyDataPlane.configureSynchronously`)
/// on an `EmbeddedChannel`, its upstream connections `EmbeddedChannel`s on the same
/// `EmbeddedEventLoop` (`UpstreamConnector`), and the loop's clock in the test's hands: the
/// client handler's state transitions and every deadline, without a socket or a real second.
final class EmbeddedProxyConnection {
    let loop = EmbeddedEventLoop()
    let client: EmbeddedChannel
    let dataPlane: ProxyDataPlane
    private let opened: NIOLockedValueBox<[EmbeddedChannel]>
    /// `"LEVEL message"` of each line the data plane logged at `info` or above.
    let logged = NIOLockedValueBox<[String]>([])

    init(_ table: RoutingTable, configuration: ProxyConfiguration = ProxyConfiguration()) throws {
        let loop = self.loop
        let opened = NIOLockedValueBox<[EmbeddedChannel]>([])
        let connector = UpstreamConnector { endpoint, _, _, _, initialize in
            let channel = EmbeddedChannel(loop: loop)
            do {
                try initialize(channel)
                opened.withLockedValue { $0.append(channel) }
                let address = try SocketAddress(ipAddress: endpoint.host, port: endpoint.port)
                return channel.connect(to: address).map { channel }
            } catch {
                return loop.makeFailedFuture(error)
            }
        }
        let logged = self.logged
        var logger = Logger(label: "test.embedded-proxy") { _ in RecordingLogHandler(events: logged) }
        logger.logLevel = .info
        self.opened = opened
        self.dataPlane = ProxyDataPlane(
            store: RoutingTableStore(initial: table, replicaCount: 1), configuration: configuration, eventLoopGroup: loop,
            logger: logger, connector: connector)
        self.client = EmbeddedChannel(loop: loop)
        try dataPlane.configureSynchronously(channel: client)
        try client.connect(to: SocketAddress(ipAddress: "192.0.2.7", port: 50000)).wait()
    }

    /// Upstream connections opened so far, oldest first.
    var upstreams: [EmbeddedChannel] { opened.withLockedValue { $0 } }

    /// Bytes from the client, in one read.
    func clientSends(_ text: String) throws {
        try client.writeInbound(ByteBuffer(string: text))
    }

    /// Bytes from upstream `index`, in one read.
    func upstream(_ index: Int = 0, sends text: String) throws {
        try upstreams[index].writeInbound(ByteBuffer(string: text))
    }

    /// What the proxy wrote to the client since the last call.
    func clientReceived() throws -> String {
        try Self.drain(client)
    }

    /// What the proxy wrote to upstream `index` since the last call.
    func upstreamReceived(_ index: Int = 0) throws -> String {
        try Self.drain(upstreams[index])
    }

    /// Moves the loop's clock, running the deadlines that come due.
    func advance(by amount: TimeAmount) {
        loop.advanceTime(by: amount)
    }

    private static func drain(_ channel: EmbeddedChannel) throws -> String {
        var text = ""
        while let data = try channel.readOutbound(as: IOData.self) {
            if case .byteBuffer(let buffer) = data { text += String(buffer: buffer) }
        }
        return text
    }
}

/// Requests and responses as the tests write them.
enum Wire {
    static func get(_ path: String, _ extra: String = "") -> String {
        "GET \(path) HTTP/1.1\r\nHost: example.com\r\n\(extra)\r\n"
    }

    static let eventStreamHead =
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"

    static func chunk(_ text: String) -> String {
        String(text.utf8.count, radix: 16) + "\r\n" + text + "\r\n"
    }

    static func ok(_ body: String) -> String {
        "HTTP/1.1 200 OK\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
    }
}
