import NIOCore
import NIOHTTP1

/// Answers with `Content-Type: text/event-stream` (chunked) and `count` events
/// `id: <i>\ndata: event <i>\n\n`, taking one permit from `permits` before each event after the
/// first `freeEvents`, then ends
/// the response. A `GET /sse-plain` path sends `text/plain` instead (for routes that declare the
/// stream by path).
final class UpstreamEventStreamHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let count: Int
    private let permits: UpstreamPermits
    private let freeEvents: Int
    private let port: Int
    private var uri = "/"

    init(count: Int, permits: UpstreamPermits, freeEvents: Int, port: Int) {
        self.count = count
        self.permits = permits
        self.freeEvents = freeEvents
        self.port = port
    }

    /// The bytes of event `i` as sent on the wire.
    static func event(_ i: Int) -> String { "id: \(i)\ndata: event \(i)\n\n" }

    /// Events `first..<count`, each after a permit, then the end: from a task, since permits are
    /// awaited.
    private static func send(from first: Int, count: Int, permits: UpstreamPermits, on channel: any Channel) {
        Task {
            for i in first..<count {
                await permits.take()
                let buffer = channel.allocator.buffer(string: event(i))
                try await channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(buffer)))
            }
            try await channel.writeAndFlush(HTTPServerResponsePart.end(nil))
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            uri = head.uri
        case .body:
            break
        case .end:
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: uri.hasPrefix("/sse-plain") ? "text/plain" : "text/event-stream")
            headers.add(name: "Cache-Control", value: "no-cache")
            headers.add(name: "X-Upstream-Port", value: String(port))
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
            // The free events go out here, on the event loop: from a task they could wait
            // behind the busy cooperative pool of a full test run, longer than the short
            // timeouts some tests race them against.
            let free = min(freeEvents, count)
            for i in 0..<free {
                let buffer = context.channel.allocator.buffer(string: Self.event(i))
                context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
            }
            if free == count {
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            } else {
                Self.send(from: free, count: count, permits: permits, on: context.channel)
            }
        }
    }
}

@available(*, unavailable)
extension UpstreamEventStreamHandler: Sendable {}
