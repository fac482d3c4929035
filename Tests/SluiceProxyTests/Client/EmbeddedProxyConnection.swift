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
    let loop: EmbeddedEventLoop
    let client: EmbeddedChannel
    let dataPlane: ProxyDataPlane
    private let upstreamChannels: EmbeddedUpstreams
    /// `"LEVEL message"` of each line the data plane logged at `info` or above.
    var logged: NIOLockedValueBox<[String]> { upstreamChannels.logged }

    init(_ table: RoutingTable, configuration: ProxyConfiguration = ProxyConfiguration()) throws {
        let upstreams = EmbeddedUpstreams()
        self.upstreamChannels = upstreams
        self.loop = upstreams.loop
        self.dataPlane = upstreams.dataPlane(table, configuration: configuration)
        self.client = EmbeddedChannel(loop: loop)
        try dataPlane.configureSynchronously(channel: client)
        try client.connect(to: SocketAddress(ipAddress: "192.0.2.7", port: 50000)).wait()
    }

    /// Upstream connections opened so far, oldest first.
    var upstreams: [EmbeddedChannel] { upstreamChannels.opened }

    /// Bytes from the client, in one read.
    func clientSends(_ text: String) throws {
        try client.writeInbound(ByteBuffer(string: text))
    }

    /// Bytes from upstream `index`, in one read.
    func upstream(_ index: Int = 0, sends text: String) throws {
        try upstreamChannels.upstream(index, sends: text)
    }

    /// What the proxy wrote to the client since the last call.
    func clientReceived() throws -> String {
        try EmbeddedUpstreams.drain(client)
    }

    /// What the proxy wrote to upstream `index` since the last call.
    func upstreamReceived(_ index: Int = 0) throws -> String {
        try upstreamChannels.received(index)
    }

    /// Moves the loop's clock, running the deadlines that come due.
    func advance(by amount: TimeAmount) {
        loop.advanceTime(by: amount)
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
