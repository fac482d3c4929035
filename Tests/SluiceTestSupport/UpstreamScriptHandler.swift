import NIOCore

/// Answers each request (read up to the end of its head; requests have no body) with the raw
/// bytes of `pieces`, each written and flushed on its own: the first `freePieces` at once, each
/// later one after taking a permit from `permits`. Bytes are sent exactly as given, so a test can
/// send framing no HTTP library would produce: chunk extensions, trailers, pieces that split a
/// chunk, broken chunks, bytes after the end of a response.
final class UpstreamScriptHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let pieces: [String]
    private let permits: UpstreamPermits
    private let freePieces: Int
    private var request: [UInt8] = []

    init(pieces: [String], permits: UpstreamPermits, freePieces: Int) {
        self.pieces = pieces
        self.permits = permits
        self.freePieces = freePieces
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        request += unwrapInboundIn(data).readableBytesView
        guard request.count >= 4, request.suffix(4) == Array("\r\n\r\n".utf8) else { return }
        request.removeAll()
        let free = min(freePieces, pieces.count)
        for piece in pieces[..<free] {
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: piece)), promise: nil)
        }
        guard free < pieces.count else { return }
        let rest = Array(pieces[free...])
        let permits = self.permits
        let channel = context.channel
        Task {
            for piece in rest {
                await permits.take()
                try await channel.writeAndFlush(channel.allocator.buffer(string: piece))
            }
        }
    }
}

@available(*, unavailable)
extension UpstreamScriptHandler: Sendable {}
