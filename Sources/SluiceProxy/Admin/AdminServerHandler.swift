import NIOCore
import NIOHTTP1

/// Answers admin requests on one connection. Sits after NIO's HTTP server pipeline, which
/// orders pipelined requests and closes idle keep-alive connections when quiescing.
final class AdminServerHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let endpoints: AdminEndpoints
    private var request: HTTPRequestHead?

    init(endpoints: AdminEndpoints) {
        self.endpoints = endpoints
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            request = head
        case .body:
            break
        case .end:
            guard let head = request else { return }
            request = nil
            respond(to: head, context: context)
        }
    }

    private func respond(to request: HTTPRequestHead, context: ChannelHandlerContext) {
        let response = endpoints.respond(method: request.method, uri: request.uri)
        let body = context.channel.allocator.buffer(string: response.body)
        var head = HTTPResponseHead(version: request.version, status: response.status)
        head.headers.add(name: "Content-Type", value: response.contentType)
        head.headers.add(name: "Content-Length", value: "\(body.readableBytes)")
        head.headers.add(name: "Cache-Control", value: "no-store")
        let keepAlive = request.isKeepAlive
        if !keepAlive { head.headers.add(name: "Connection", value: "close") }

        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if request.method != .HEAD {
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        }
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            written.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}

@available(*, unavailable)
extension AdminServerHandler: Sendable {}
