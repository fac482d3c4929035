import NIOCore
import NIOHTTP1

/// Sits between the request decoder and NIO's `HTTPResponseCompressor`, which reads each request
/// head's `Accept-Encoding`: hands it a head whose field says what `AcceptEncoding` chose, in a
/// form NIO reads that way, and keeps the head as the client sent it (`ResponseCompression.
/// clientHeads`) for `ClientConnectionHandler`, which forwards that one upstream.
final class AcceptEncodingCanonicalizer: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    private let compression: ResponseCompression

    init(compression: ResponseCompression) {
        self.compression = compression
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var head) = unwrapInboundIn(data) else {
            context.fireChannelRead(data)
            return
        }
        compression.clientHeads.append(head)
        let values = head.headers["accept-encoding"]
        if !values.isEmpty {
            head.headers.replaceOrAdd(
                name: "Accept-Encoding", value: AcceptEncoding.fieldValue(for: .preferred(in: values)))
        }
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }
}

@available(*, unavailable)
extension AcceptEncodingCanonicalizer: Sendable {}
