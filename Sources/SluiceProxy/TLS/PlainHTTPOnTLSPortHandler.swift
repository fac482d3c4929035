import NIOCore

/// The first handler of an HTTPS connection: a client that speaks plain HTTP to the HTTPS port
/// gets a clear `400` and a close (as nginx's `497`), rather than a TLS alert it cannot read.
/// Judged on the first byte: a TLS connection starts with a handshake record (`0x16`). Leaves the
/// pipeline after the first read either way.
final class PlainHTTPOnTLSPortHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let body = "plain HTTP request sent to the HTTPS port\n"
    static let response =
        "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        guard let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self), first != 0x16,
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(first)
        else {
            context.fireChannelRead(data)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            return
        }
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: Self.response))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}

@available(*, unavailable)
extension PlainHTTPOnTLSPortHandler: Sendable {}
