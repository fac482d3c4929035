import NIOCore
import NIOHTTP1

/// Sends a chunked `200` head (and for `/partial` one body chunk) and then nothing, ever.
final class UpstreamStallHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let port: Int
    private var uri = "/"

    init(port: Int) {
        self.port = port
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            uri = head.uri
        case .body:
            break
        case .end:
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "text/plain")
            headers.add(name: "X-Upstream-Port", value: String(port))
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
            if uri.hasPrefix("/partial") {
                context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: "partial\n")))), promise: nil)
            }
            context.flush()
        }
    }
}

@available(*, unavailable)
extension UpstreamStallHandler: Sendable {}
