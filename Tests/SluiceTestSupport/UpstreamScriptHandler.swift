#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// Answers each request (read up to the end of its head; requests have no body) with the raw
/// bytes of `pieces`, each written and flushed on its own: the first `freePieces` at once, each
/// later one after taking a permit from `permits`. Bytes are sent exactly as given, so a test can
/// send framing no HTTP library would produce: chunk extensions, trailers, pieces that split a
/// chunk, broken chunks, bytes after the end of a response. With `resetAfterPermit`, once every
/// piece is written it takes one more permit and then resets the connection.
final class UpstreamScriptHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let pieces: [String]
    private let permits: UpstreamPermits
    private let freePieces: Int
    private let resetAfterPermit: Bool
    private var request: [UInt8] = []

    init(pieces: [String], permits: UpstreamPermits, freePieces: Int, resetAfterPermit: Bool = false) {
        self.pieces = pieces
        self.permits = permits
        self.freePieces = freePieces
        self.resetAfterPermit = resetAfterPermit
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        request += unwrapInboundIn(data).readableBytesView
        guard request.count >= 4, request.suffix(4) == Array("\r\n\r\n".utf8) else { return }
        request.removeAll()
        let free = min(freePieces, pieces.count)
        for piece in pieces[..<free] {
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: piece)), promise: nil)
        }
        let rest = Array(pieces[free...])
        guard !rest.isEmpty || resetAfterPermit else { return }
        let permits = self.permits
        let channel = context.channel
        let reset = resetAfterPermit
        Task {
            for piece in rest {
                await permits.take()
                try await channel.writeAndFlush(channel.allocator.buffer(string: piece))
            }
            guard reset else { return }
            await permits.take()
            guard let socket = channel as? any SocketOptionProvider else { return }
            try await socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
            try await channel.close()
        }
    }
}

@available(*, unavailable)
extension UpstreamScriptHandler: Sendable {}
