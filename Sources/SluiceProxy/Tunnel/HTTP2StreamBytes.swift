import NIOCore
import NIOHTTP1

/// An HTTP/2 stream as a byte channel, for the tunnel's glue (`TunnelGlueHandler`) once a
/// WebSocket over HTTP/2 was accepted. Sits behind the stream's
/// `HTTP2FramePayloadToHTTP1ServerCodec` (which cannot leave the pipeline), so DATA arrives as
/// request body parts and bytes leave as response body parts. The client's END_STREAM (the
/// request's end) is the tunnel's input closing (`ChannelEvent.inputClosed`), and closing the
/// output ends the response with END_STREAM: HTTP/2 stream channels have no half-close of their
/// own (closing one resets it).
final class HTTP2StreamBytes: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = HTTPServerResponsePart

    private var outputClosed = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .body(let bytes):
            context.fireChannelRead(wrapInboundOut(bytes))
        case .end:
            context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        case .head:
            break
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard !outputClosed else {
            promise?.fail(ChannelError.outputClosed)
            return
        }
        context.write(wrapOutboundOut(.body(.byteBuffer(unwrapOutboundIn(data)))), promise: promise)
    }

    /// Closing the output ends the response (END_STREAM). A full close — the upstream connection
    /// closed, the tunnel's deadline passed — ends it first too, as the end of a TCP stream is
    /// a FIN, then closes the stream (a reset, if the client has not ended its side).
    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard mode == .output else {
            if !outputClosed, context.channel.isActive {
                outputClosed = true
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
            context.close(mode: mode, promise: promise)
            return
        }
        guard !outputClosed else {
            promise?.succeed(())
            return
        }
        outputClosed = true
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: promise)
    }
}

@available(*, unavailable)
extension HTTP2StreamBytes: Sendable {}
