import NIOCore

/// Answers a request as soon as its head has arrived, with the raw bytes of `response`, and then
/// reads nothing more: a server refusing an upload it will not take (`413`) without reading it.
/// With `thenClose`, it closes the connection once the bytes are written.
final class UpstreamEarlyAnswerHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let response: String
    private let thenClose: Bool
    private var received: [UInt8] = []
    private var answered = false

    init(response: String, thenClose: Bool) {
        self.response = response
        self.thenClose = thenClose
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !answered else { return }
        received += unwrapInboundIn(data).readableBytesView
        guard received.firstRange(of: Array("\r\n\r\n".utf8)) != nil else { return }
        answered = true
        context.channel.setOption(.autoRead, value: false).whenComplete { _ in }
        let written = context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: response)))
        if thenClose {
            let channel = context.channel
            written.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}

@available(*, unavailable)
extension UpstreamEarlyAnswerHandler: Sendable {}
