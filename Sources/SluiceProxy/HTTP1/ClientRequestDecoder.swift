import NIOCore
import NIOHTTP1

/// Decodes a client connection's requests into `HTTPServerRequestPart`s: the plain ones itself
/// (`PlainRequestHead`, then a `Content-Length` body sliced off the bytes as they come), anything
/// else through NIO's `HTTPRequestDecoder`, which it adds behind itself the first time a request
/// is declined and hands every byte from that request on. NIO's decoder is then the connection's
/// decoder for good (this one only passes bytes through), so the two never parse the same stream.
///
/// A head decoded here must arrive whole in one read, as a client's head nearly always does. A
/// head cut across reads goes to NIO's decoder too: judging a head's start the way llhttp does
/// (which rejects some at once, others only at their end) would be a second llhttp, and waiting
/// for the end of a head NIO's decoder would already reject answers the client later.
///
/// After a request that does not keep the connection alive, the bytes that follow are dropped: the
/// connection closes after its response (RFC 9112 §9.6). NIO's decoder rejected them instead
/// (`closedConnection`), and the proxy answered 400 in place of the response the request was
/// owed. Reading goes on meanwhile, so that a client closing early is noticed and its stream
/// ended upstream; what it sends is not kept.
///
/// It sits next to the channel; `ClientResponseEncoder` writes from its place.
final class ClientRequestDecoder: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = HTTPServerRequestPart

    private enum State {
        /// At the start of a request.
        case head
        /// In a `Content-Length` body, `remaining` bytes to go.
        case body(remaining: Int, keepAlive: Bool)
        /// After a request that closes the connection.
        case closing
        /// NIO's decoder decodes; bytes pass through.
        case delegated
    }

    private var state = State.head
    private let limits: NIOHTTPDecoderLimitConfiguration
    private var removed = false

    /// - Parameter limits: for NIO's decoder, should a request need it; `maxHeaderListSize` is
    ///   also the longest head decoded here.
    init(limits: NIOHTTPDecoderLimitConfiguration) {
        self.limits = limits
    }

    static func makeNIODecoder(limits: NIOHTTPDecoderLimitConfiguration) -> ByteToMessageHandler<HTTPRequestDecoder> {
        ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .forwardBytes, limitConfiguration: limits))
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        removed = true
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch state {
        case .delegated:
            context.fireChannelRead(data)
        case .closing:
            break
        case .head, .body:
            decode(unwrapInboundIn(data), context: context)
        }
    }

    private func decode(_ received: ByteBuffer, context: ChannelHandlerContext) {
        var bytes = received
        while bytes.readableBytes > 0, !removed {
            switch state {
            case .head:
                let parsed = bytes.withUnsafeReadableBytes {
                    PlainRequestHead.parse($0, maxBytes: limits.maxHeaderListSize, maxFields: limits.maxHeaderFieldCount)
                }
                guard let parsed else {
                    delegate(bytes, context: context)
                    return
                }
                bytes.moveReaderIndex(forwardBy: parsed.headLength)
                let keepAlive = parsed.head.isKeepAlive
                context.fireChannelRead(wrapInboundOut(.head(parsed.head)))
                if parsed.bodyLength > 0 {
                    state = .body(remaining: parsed.bodyLength, keepAlive: keepAlive)
                } else {
                    requestEnded(keepAlive: keepAlive, context: context)
                }
            case .body(let remaining, let keepAlive):
                let length = min(remaining, bytes.readableBytes)
                let body = bytes.readSlice(length: length)!
                context.fireChannelRead(wrapInboundOut(.body(body)))
                if length == remaining {
                    requestEnded(keepAlive: keepAlive, context: context)
                } else {
                    state = .body(remaining: remaining - length, keepAlive: keepAlive)
                }
            case .closing:
                return
            case .delegated:
                context.fireChannelRead(NIOAny(bytes))
                return
            }
        }
    }

    private func requestEnded(keepAlive: Bool, context: ChannelHandlerContext) {
        state = keepAlive ? .head : .closing
        context.fireChannelRead(wrapInboundOut(.end(nil)))
    }

    /// NIO's decoder takes over from the start of the request in `bytes`.
    private func delegate(_ bytes: ByteBuffer, context: ChannelHandlerContext) {
        state = .delegated
        do {
            try context.pipeline.syncOperations.addHandler(
                Self.makeNIODecoder(limits: limits), name: Self.nioDecoderName, position: .after(self))
        } catch {
            // No decoder for these bytes: nothing more is read from this connection.
            state = .closing
            context.fireErrorCaught(error)
            return
        }
        context.fireChannelRead(NIOAny(bytes))
    }

    static let nioDecoderName = "sluice.request-decoder.nio"
}

@available(*, unavailable)
extension ClientRequestDecoder: Sendable {}
