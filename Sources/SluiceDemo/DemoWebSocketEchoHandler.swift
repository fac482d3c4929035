import NIOCore
import NIOWebSocket

/// Echoes WebSocket text, binary and continuation frames as they come, answers pings, and
/// completes the close handshake (echoing the peer's close code, then closing the socket).
/// The test upstreams reuse it for their WebSocket echo.
public final class DemoWebSocketEchoHandler: ChannelInboundHandler {
    public typealias InboundIn = WebSocketFrame
    public typealias OutboundOut = WebSocketFrame

    private var sentClose = false

    public init() {}

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text, .binary, .continuation:
            guard !sentClose else { return }
            let echo = WebSocketFrame(fin: frame.fin, opcode: frame.opcode, data: frame.unmaskedData)
            context.writeAndFlush(wrapOutboundOut(echo), promise: nil)
        case .ping:
            let pong = WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .connectionClose:
            respondToClose(frame, context: context)
        default:
            break
        }
    }

    private func respondToClose(_ frame: WebSocketFrame, context: ChannelHandlerContext) {
        let channel = context.channel
        guard !sentClose else {
            channel.close(promise: nil)
            return
        }
        sentClose = true
        var payload = frame.unmaskedData
        let code = payload.readSlice(length: 2) ?? ByteBuffer()
        let close = WebSocketFrame(fin: true, opcode: .connectionClose, data: code)
        context.writeAndFlush(wrapOutboundOut(close)).whenComplete { _ in
            channel.close(promise: nil)
        }
    }
}

@available(*, unavailable)
extension DemoWebSocketEchoHandler: Sendable {}
