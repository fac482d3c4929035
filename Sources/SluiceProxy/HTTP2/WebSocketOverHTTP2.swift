import Foundation
import NIOCore
import NIOHTTP1
import NIOHTTP2

/// WebSocket over HTTP/2 (RFC 8441): a stream opened with an extended CONNECT
/// (`:method CONNECT`, `:protocol websocket`, offered by `SETTINGS_ENABLE_CONNECT_PROTOCOL`)
/// is relayed to an HTTP/1.1 upstream as an ordinary WebSocket upgrade, and once the upstream
/// switched protocols, the stream's DATA and the upstream connection's bytes are spliced
/// (`TunnelSplice.splice(stream:…)`). Browsers use it when the server offers it, so a page's
/// WebSockets share the connection its EventSources and fetches use.
enum WebSocketOverHTTP2 {
    /// The HTTP/1.1 upgrade request sent upstream for an extended CONNECT `head` (the request's
    /// fields, `:path` as its target): `GET` with `Connection: upgrade`, `Upgrade: websocket`
    /// and a fresh `Sec-WebSocket-Key` (HTTP/2 has none: RFC 8441 §5 drops the key and its
    /// accept value, so the proxy makes one for the upstream's handshake).
    static func upstreamRequest(from head: HTTPRequestHead) -> HTTPRequestHead {
        var headers = head.headers
        headers.remove(name: "sec-websocket-key")
        headers.replaceOrAdd(name: "connection", value: "upgrade")
        headers.replaceOrAdd(name: "upgrade", value: "websocket")
        headers.add(name: "sec-websocket-key", value: newKey())
        if !headers.contains(name: "sec-websocket-version") { headers.add(name: "sec-websocket-version", value: "13") }
        return HTTPRequestHead(version: .http1_1, method: .GET, uri: head.uri, headers: headers)
    }

    /// The client's `200` for the upstream's `101`, without the HTTP/1.1 handshake's fields
    /// (`Upgrade`, `Connection`, `Sec-WebSocket-Accept`); the negotiated subprotocol and
    /// extensions stay. `plan`: the route's fields for an ordinary HTTP/2 response.
    static func clientResponse(to switched: HTTPResponseHead, plan: ResponseHeadPlan) -> HTTPResponseHead {
        var head = ClientResponseHead.make(from: switched, plan: plan)
        head.status = .ok
        head.headers.remove(name: "sec-websocket-accept")
        return head
    }

    /// 16 random bytes, base64 (RFC 6455 §4.1).
    static func newKey() -> String {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }).base64EncodedString()
    }
}

/// Tells a stream's `HTTP2StreamHandler` the `:protocol` of an extended CONNECT, which
/// `HTTP2FramePayloadToHTTP1ServerCodec` does not carry into the request head. First handler of
/// each stream; passes the request's HEADERS on and leaves the pipeline (a stream that stays
/// open, an event stream, should not keep it).
final class ExtendedConnectReader: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias InboundOut = HTTP2Frame.FramePayload

    private let handler: HTTP2StreamHandler

    init(handler: HTTP2StreamHandler) {
        self.handler = handler
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .headers(let headers) = unwrapInboundIn(data) else {
            context.fireChannelRead(data)
            return
        }
        handler.extendedConnectProtocol = headers.headers.first(name: ":protocol")
        context.fireChannelRead(data)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}

@available(*, unavailable)
extension ExtendedConnectReader: Sendable {}
