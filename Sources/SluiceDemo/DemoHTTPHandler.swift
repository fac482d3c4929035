#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOHTTP1

/// Serves the demo upstream's plain HTTP endpoints on one connection (after NIO's HTTP server
/// pipeline, which queues pipelined requests until the current response ends).
///
/// Event streams are written one event per write-and-flush, paced by the event loop's timer, and
/// paused while the channel is not writable.
final class DemoHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    static let name = "demo-http"
    /// Request bodies beyond this are counted but not kept.
    private static let maxKeptBody = 64 * 1024

    private enum State {
        case idle
        case receiving(HTTPRequestHead, body: [UInt8], bodyBytes: Int)
        case streaming(DemoEventStream, keepAlive: Bool)
    }

    private let tokenInterval: Duration
    private var state = State.idle
    private var nextEvent: Scheduled<Void>?
    private var waitingForWritability = false

    init(tokenInterval: Duration) {
        self.tokenInterval = tokenInterval
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch (unwrapInboundIn(data), state) {
        case (.head(let head), _):
            state = .receiving(head, body: [], bodyBytes: 0)
        case (.body(let chunk), .receiving(let head, var body, let bodyBytes)):
            if body.count < Self.maxKeptBody { body.append(contentsOf: chunk.readableBytesView) }
            state = .receiving(head, body: body, bodyBytes: bodyBytes + chunk.readableBytes)
        case (.end, .receiving(let head, let body, let bodyBytes)):
            state = .idle
            respond(to: head, body: body, bodyBytes: bodyBytes, context: context)
        case (.body, _), (.end, _):
            break
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if waitingForWritability, context.channel.isWritable {
            waitingForWritability = false
            emitNextEvent(context: context)
        }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stopStreaming()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stopStreaming()
    }

    private func respond(to head: HTTPRequestHead, body: [UInt8], bodyBytes: Int, context: ChannelHandlerContext) {
        let keepAlive = head.isKeepAlive
        switch DemoEndpoint.route(method: head.method, uri: head.uri) {
        case .chat(let queryPrompt, let interval):
            let prompt = DemoChatReply.prompt(fromJSONBody: body) ?? queryPrompt
            let stream = DemoEventStream(source: .tokens(DemoChatReply.tokens(prompt: prompt)), interval: interval ?? tokenInterval)
            startStreaming(stream, version: head.version, keepAlive: keepAlive, context: context)
        case .benchEvents(let count, let interval):
            startStreaming(DemoEventStream(source: .timestamps(count: count), interval: interval), version: head.version, keepAlive: keepAlive, context: context)
        case .benchSmall:
            writeComplete(.ok, contentType: "text/plain", body: "ok\n", version: head.version, keepAlive: keepAlive, context: context)
        case .echo:
            let echo = DemoRequestEcho(head: head, bodyBytes: bodyBytes)
            writeComplete(.ok, contentType: "application/json", body: echo.json(), version: head.version, keepAlive: keepAlive, context: context)
        case .websocketUpgradeRequired:
            writeComplete(.upgradeRequired, contentType: "text/plain", body: "/ws speaks WebSocket only\n", version: head.version, keepAlive: keepAlive, context: context)
        case .index:
            writeComplete(.ok, contentType: "text/plain", body: Self.index, version: head.version, keepAlive: keepAlive, context: context)
        case .notFound:
            writeComplete(.notFound, contentType: "text/plain", body: "not found\n", version: head.version, keepAlive: keepAlive, context: context)
        }
    }

    private func writeComplete(
        _ status: HTTPResponseStatus,
        contentType: String,
        body: String,
        version: HTTPVersion,
        keepAlive: Bool,
        context: ChannelHandlerContext
    ) {
        let buffer = context.channel.allocator.buffer(string: body)
        var head = HTTPResponseHead(version: version, status: status)
        head.headers.add(name: "Content-Type", value: contentType)
        head.headers.add(name: "Content-Length", value: "\(buffer.readableBytes)")
        if !keepAlive { head.headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        finishResponse(keepAlive: keepAlive, context: context)
    }

    private func finishResponse(keepAlive: Bool, context: ChannelHandlerContext) {
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            written.whenComplete { _ in channel.close(promise: nil) }
        }
    }

    private func startStreaming(_ stream: DemoEventStream, version: HTTPVersion, keepAlive: Bool, context: ChannelHandlerContext) {
        var head = HTTPResponseHead(version: version, status: .ok)
        head.headers.add(name: "Content-Type", value: "text/event-stream")
        head.headers.add(name: "Cache-Control", value: "no-cache")
        head.headers.add(name: "X-Accel-Buffering", value: "no")
        if !keepAlive { head.headers.add(name: "Connection", value: "close") }
        context.writeAndFlush(wrapOutboundOut(.head(head)), promise: nil)
        state = .streaming(stream, keepAlive: keepAlive)
        emitNextEvent(context: context)
    }

    private func emitNextEvent(context: ChannelHandlerContext) {
        nextEvent = nil
        guard case .streaming(var stream, let keepAlive) = state else { return }
        guard context.channel.isWritable else {
            waitingForWritability = true
            return
        }
        guard let event = stream.next(unixNanos: Self.unixNanos()) else {
            state = .idle
            finishResponse(keepAlive: keepAlive, context: context)
            return
        }
        state = .streaming(stream, keepAlive: keepAlive)
        let buffer = context.channel.allocator.buffer(string: event)
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)

        let loop = context.eventLoop.assumeIsolated()
        if stream.interval <= .zero {
            loop.execute { self.emitNextEvent(context: context) }
        } else {
            nextEvent = loop.scheduleTask(in: TimeAmount(stream.interval)) { self.emitNextEvent(context: context) }
        }
    }

    private func stopStreaming() {
        nextEvent?.cancel()
        nextEvent = nil
        state = .idle
    }

    private static func unixNanos() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }

    private static let index = """
        Sluice demo upstream
          GET|POST /api/chat?prompt=...   LLM-style token stream (text/event-stream)
          GET /ws                         WebSocket echo
          GET /api/<anything>             JSON echo of the request (see X-Forwarded-*)
          GET /bench/sse?events=N&interval_ms=M   timestamped events (Unix ns)
          GET /bench/small                tiny response

        """
}

@available(*, unavailable)
extension DemoHTTPHandler: Sendable {}
