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

/// Answers with `Content-Length: total` and that many bytes, in 64 KiB chunks written only while
/// the connection is writable (so the upstream itself buffers little).
final class UpstreamByteSourceHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let total: Int
    private let stats: UpstreamByteSourceStats
    private let port: Int
    private var remaining = 0
    private var sending = false
    private var chunk: ByteBuffer?

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
        remaining = total
        sending = true
        chunk = context.channel.allocator.buffer(repeating: UInt8(ascii: "x"), count: 64 * 1024)
        pump(context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if sending { stats.cut() }
        sending = false
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            pump(context: context)
        } else if sending {
            stats.stalled()
        }
        context.fireChannelWritabilityChanged()
    }

    /// Re-entrant: a `flush()` can report the channel unwritable and writable again before it
    /// returns, which calls `pump` from `channelWritabilityChanged` while this one still runs.
    /// Whichever call sends the last byte ends the response; the other sees `sending` false.
    private func pump(context: ChannelHandlerContext) {
        guard sending, let chunk else { return }
        while remaining > 0, context.channel.isWritable {
            let n = min(remaining, chunk.readableBytes)
            remaining -= n
            stats.sent(n)
            context.write(wrapOutboundOut(.body(.byteBuffer(chunk.getSlice(at: chunk.readerIndex, length: n)!))), promise: nil)
            context.flush()
        }
        if remaining == 0, sending {
            sending = false
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}

@available(*, unavailable)
extension UpstreamByteSourceHandler: Sendable {}
