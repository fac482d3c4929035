import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// What a byte-source upstream did: bytes written so far, whether its connection ever became
/// unwritable (the proxy stopped reading it), and whether a connection closed mid-response.
public final class UpstreamByteSourceStats: Sendable {
    private let state = NIOLockedValueBox((sent: 0, stalls: 0, cut: 0))

    public init() {}

    public var bytesSent: Int { state.withLockedValue { $0.sent } }
    /// Times the upstream's socket stopped accepting bytes (backpressure reached it).
    public var stalls: Int { state.withLockedValue { $0.stalls } }
    /// Connections that closed before their response was all sent (the proxy gave up on it).
    public var responsesCut: Int { state.withLockedValue { $0.cut } }

    func sent(_ n: Int) { state.withLockedValue { $0.sent += n } }
    func stalled() { state.withLockedValue { $0.stalls += 1 } }
    func cut() { state.withLockedValue { $0.cut += 1 } }
}

/// Sends `total` bytes in 64 KiB chunks, written only while the channel is writable (so the
/// upstream itself buffers little), for the byte-source upstreams. A class: a flush can report
/// the channel unwritable and writable again before it returns, which calls ``pump(context:write:)``
/// from `channelWritabilityChanged` while an earlier call still runs.
final class UpstreamBytePump {
    private let stats: UpstreamByteSourceStats
    private var remaining: Int
    private let chunk: ByteBuffer
    /// Bytes remain to be sent.
    private(set) var sending = true

    init(total: Int, stats: UpstreamByteSourceStats, allocator: ByteBufferAllocator) {
        self.stats = stats
        self.remaining = total
        self.chunk = allocator.buffer(repeating: UInt8(ascii: "x"), count: 64 * 1024)
    }

    /// Writes (and flushes, through `write`) chunks while the channel is writable; call it at
    /// the start and on every writability change. Returns true to the one call that sent the
    /// last byte.
    func pump(context: ChannelHandlerContext, write: (ByteBuffer) -> Void) -> Bool {
        guard sending else { return false }
        guard context.channel.isWritable else {
            stats.stalled()
            return false
        }
        while remaining > 0, context.channel.isWritable {
            let n = min(remaining, chunk.readableBytes)
            remaining -= n
            stats.sent(n)
            write(chunk.getSlice(at: chunk.readerIndex, length: n)!)
        }
        guard remaining == 0, sending else { return false }
        sending = false
        return true
    }

    /// The connection closed: a response not all sent was cut.
    func connectionClosed() {
        if sending { stats.cut() }
        sending = false
    }
}

/// Answers with `Content-Length: total` and that many bytes (`UpstreamBytePump`).
final class UpstreamByteSourceHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let total: Int
    private let stats: UpstreamByteSourceStats
    private let port: Int
    private var pump: UpstreamBytePump?

    init(total: Int, stats: UpstreamByteSourceStats, port: Int) {
        self.total = total
        self.stats = stats
        self.port = port
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .end = unwrapInboundIn(data) else { return }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/octet-stream")
        headers.add(name: "Content-Length", value: String(total))
        headers.add(name: "X-Upstream-Port", value: String(port))
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
        pump = UpstreamBytePump(total: total, stats: stats, allocator: context.channel.allocator)
        send(context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        pump?.connectionClosed()
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        send(context: context)
        context.fireChannelWritabilityChanged()
    }

    private func send(context: ChannelHandlerContext) {
        guard let pump else { return }
        let finished = pump.pump(context: context) { bytes in
            context.write(wrapOutboundOut(.body(.byteBuffer(bytes))), promise: nil)
            context.flush()
        }
        if finished { context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil) }
    }
}

@available(*, unavailable)
extension UpstreamByteSourceHandler: Sendable {}

/// Answers the first request (read up to the end of its head) with `101 Switching Protocols`,
/// and then sends `total` raw bytes on the switched connection (`UpstreamBytePump`): a tunnel's
/// upstream that talks faster than its client reads.
final class UpstreamTunnelByteSourceHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let total: Int
    private let stats: UpstreamByteSourceStats
    private var request: [UInt8] = []
    private var pump: UpstreamBytePump?

    init(total: Int, stats: UpstreamByteSourceStats) {
        self.total = total
        self.stats = stats
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard pump == nil else { return }
        request += unwrapInboundIn(data).readableBytesView
        guard request.count >= 4, request.suffix(4) == Array("\r\n\r\n".utf8) else { return }
        let head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
        context.write(wrapOutboundOut(context.channel.allocator.buffer(string: head)), promise: nil)
        pump = UpstreamBytePump(total: total, stats: stats, allocator: context.channel.allocator)
        send(context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        pump?.connectionClosed()
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        send(context: context)
        context.fireChannelWritabilityChanged()
    }

    private func send(context: ChannelHandlerContext) {
        _ = pump?.pump(context: context) { bytes in
            context.write(wrapOutboundOut(bytes), promise: nil)
            context.flush()
        }
    }
}

@available(*, unavailable)
extension UpstreamTunnelByteSourceHandler: Sendable {}
