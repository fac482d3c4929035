import NIOCore

/// Answers a request as soon as its head has arrived, with the raw bytes of `response`, and then
/// reads nothing more: a server refusing an upload it will not take (`413`) without reading it.
final class UpstreamEarlyAnswerHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let response: String
    private var received: [UInt8] = []
    private var answered = false

    init(response: String) {
        self.response = response
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !answered else { return }
        received += unwrapInboundIn(data).readableBytesView
        guard received.firstRange(of: Array("\r\n\r\n".utf8)) != nil else { return }
        answered = true
        context.channel.setOption(.autoRead, value: false).whenComplete { _ in }
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: response)), promise: nil)
    }
}

@available(*, unavailable)
extension UpstreamEarlyAnswerHandler: Sendable {}
