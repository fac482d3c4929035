import NIOCore
import NIOHTTP1

/// Answers every request with `200` and a text body describing it:
///
/// ```
/// GET /path?q HTTP/1.1
/// host: example.com
/// x-forwarded-for: 127.0.0.1
/// ...
///
/// <request body>
/// ```
///
/// Header names are lowercased, one field per line, in the order received.
final class UpstreamEchoHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let port: Int
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()

    init(port: Int) {
        self.port = port
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body.clear()
        case .body(var part):
            body.writeBuffer(&part)
        case .end:
            guard let head else { return }
            var text = "\(head.method.rawValue) \(head.uri) HTTP/\(head.version.major).\(head.version.minor)\n"
            for (name, value) in head.headers {
                text += "\(name.lowercased()): \(value)\n"
            }
            text += "\n"
            var out = context.channel.allocator.buffer(string: text)
            out.writeImmutableBuffer(body)
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "text/plain")
            headers.add(name: "Content-Length", value: String(out.readableBytes))
            headers.add(name: "X-Upstream-Port", value: String(port))
            headers.add(name: "Keep-Alive", value: "timeout=30")
            headers.add(name: "X-Hop", value: "secret")
            headers.add(name: "Connection", value: head.isKeepAlive ? "X-Hop" : "close, X-Hop")
            let response = HTTPResponseHead(version: head.version, status: .ok, headers: headers)
            context.write(wrapOutboundOut(.head(response)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(out))), promise: nil)
            let keepAlive = head.isKeepAlive
            context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
                if !keepAlive { context.close(promise: nil) }
            }
            self.head = nil
        }
    }
}

@available(*, unavailable)
extension UpstreamEchoHandler: Sendable {}
