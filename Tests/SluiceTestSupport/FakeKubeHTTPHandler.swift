import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// Serves one HTTP/1.1 connection, or one HTTP/2 stream behind an HTTP/1-parts codec, of the fake
/// API server: gathers each request, lets the shared state answer it, and writes the answer (a
/// whole response, or a WATCH stream: chunked over HTTP/1.1, DATA frames over HTTP/2).
final class FakeKubeHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let state: NIOLockedValueBox<FakeKubeServerState>
    /// The number of the TCP connection this handler's requests arrive on.
    private let connection: Int
    private var head: HTTPRequestHead?
    private var body = Data()
    private var watcher: FakeKubeWatcher?

    init(state: NIOLockedValueBox<FakeKubeServerState>, connection: Int) {
        self.state = state
        self.connection = connection
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = Data()
        case .body(var buffer):
            body.append(contentsOf: buffer.readBytes(length: buffer.readableBytes) ?? [])
        case .end:
            guard let head else { return }
            self.head = nil
            respond(context: context, head: head)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let watcher {
            state.withLockedValue { $0.endWatch(watcher) }
        }
        context.fireChannelInactive()
    }

    private func respond(context: ChannelHandlerContext, head: HTTPRequestHead) {
        var headers: [String: String] = [:]
        for (name, value) in head.headers { headers[name.lowercased()] = value }
        let request = FakeKubeRequest(
            method: head.method.rawValue, uri: head.uri, headers: headers, body: body,
            httpVersion: head.version.major == 2 ? "HTTP/2" : "HTTP/\(head.version.major).\(head.version.minor)",
            connection: connection)
        let watcher = FakeKubeWatcher(channel: context.channel)
        let answer = state.withLockedValue { $0.handle(request, watcher: watcher) }
        switch answer {
        case .response(let status, let body, let extraHeaders):
            // An HTTP/2 stream ends with its response; its connection stays.
            let keepAlive = head.isKeepAlive || head.version.major == 2
            let version = head.version
            if let release = state.withLockedValue({ $0.hold(request, on: context.eventLoop) }) {
                let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
                release.whenSuccess {
                    Self.write(status: status, body: body, headers: extraHeaders, version: version, keepAlive: keepAlive, context: bound.value)
                }
            } else {
                Self.write(status: status, body: body, headers: extraHeaders, version: version, keepAlive: keepAlive, context: context)
            }
        case .linesThenEnd(let lines):
            writeStreamHead(context: context, version: head.version)
            for line in lines {
                var buffer = context.channel.allocator.buffer(capacity: line.count + 1)
                buffer.writeBytes(line)
                buffer.writeInteger(UInt8(ascii: "\n"))
                context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
            }
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        case .watchStarted(let timeoutSeconds):
            // The replayed lines were queued with `execute`, so they run after this head.
            writeStreamHead(context: context, version: head.version)
            context.flush()
            self.watcher = watcher
            if let timeoutSeconds, timeoutSeconds > 0 {
                context.eventLoop.scheduleTask(in: .seconds(Int64(timeoutSeconds))) { [state] in
                    state.withLockedValue { $0.endWatch(watcher) }
                }
            }
        }
    }

    private static func write(
        status: Int, body: Data, headers: [(String, String)], version: HTTPVersion, keepAlive: Bool,
        context: ChannelHandlerContext
    ) {
        var responseHeaders = HTTPHeaders(headers)
        responseHeaders.add(name: "Content-Length", value: String(body.count))
        let head = HTTPResponseHead(version: version, status: .init(statusCode: status), headers: responseHeaders)
        context.write(NIOAny(HTTPServerResponsePart.head(head)), promise: nil)
        context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil))).whenComplete { [channel = context.channel] _ in
            if !keepAlive { channel.close(promise: nil) }
        }
    }

    private func writeStreamHead(context: ChannelHandlerContext, version: HTTPVersion) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Transfer-Encoding", value: "chunked")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: version, status: .ok, headers: headers))), promise: nil)
    }
}

@available(*, unavailable)
extension FakeKubeHTTPHandler: Sendable {}
