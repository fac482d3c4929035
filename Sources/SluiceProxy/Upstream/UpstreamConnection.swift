import NIOCore
import NIOHTTP1
import SluiceRouting

/// The channel carrying one exchange's request to an upstream endpoint: an HTTP/1.1 connection,
/// owned either by the pool (idle) or by one exchange (busy), or one stream of a multiplexed
/// HTTP/2 connection (`HTTP2UpstreamConnection`), a channel of its own that lives as long as its
/// exchange. Either way the exchange writes request parts and reads response parts through the
/// same interface (`write`, `flush`, `UpstreamResponseHandler`), and backpressure is the
/// channel's writability and `autoRead` (an HTTP/2 stream's are its flow-control windows). Lives
/// on its channel's event loop.
final class UpstreamConnection {
    /// How the exchange's request is framed on the way up.
    enum Transport {
        /// An HTTP/1.1 connection: the splitter, in front of the decoder, may relay an event
        /// stream's body past it, and its encoder writes the request.
        case http1(UpstreamResponseSplitter)
        /// A stream of an HTTP/2 connection: the request goes as `HTTPClientRequestPart`s to
        /// swift-nio-http2's `HTTP2FramePayloadToHTTP1ClientCodec`, its head converted by
        /// `HTTP2UpstreamRequestHead`.
        case http2(HTTP2UpstreamConnection)
    }

    let channel: any Channel
    /// The endpoint and how it is spoken to (plain or which TLS), under which the pool keeps it.
    let poolKey: UpstreamPoolKey
    var endpoint: Endpoint { poolKey.endpoint }
    let handler: UpstreamResponseHandler
    let transport: Transport
    /// When the connection last went back to the pool.
    var idleSince = NIODeadline.uptimeNanoseconds(0)
    /// Requests sent on this connection so far.
    var requestsSent = 0

    init(channel: any Channel, poolKey: UpstreamPoolKey, handler: UpstreamResponseHandler, transport: Transport) {
        self.channel = channel
        self.poolKey = poolKey
        self.handler = handler
        self.transport = transport
        handler.connection = self
    }


    var isActive: Bool { channel.isActive }

    /// HTTP/1.1: writes from the encoder's place (`UpstreamRequestEncoder.writeDirect(_:promise:)`),
    /// which also tells the response decoder about each request. HTTP/2: as request parts of the
    /// stream.
    func write(_ part: UpstreamRequestPart) {
        switch transport {
        case .http1(let splitter): splitter.encoder.writeDirect(part)
        case .http2: handler.write(HTTP2UpstreamRequest.part(part))
        }
    }

    func flush() {
        switch transport {
        case .http1(let splitter): splitter.encoder.flushDirect()
        case .http2: handler.flush()
        }
    }

    /// Closes the connection; on an HTTP/2 stream, resets the stream (the connection stays).
    func close() {
        handler.delegate = nil
        channel.close(promise: nil)
    }

    /// Bytes written to this connection but not yet accepted by its socket (0 for an HTTP/2
    /// stream, whose channel does not say: its writability alone tells a stall).
    var bufferedBytes: Int {
        (try? channel.syncOptions?.getOption(ChannelOptions.bufferedWritableBytes)) ?? 0
    }
}

@available(*, unavailable)
extension UpstreamConnection: Sendable {}

/// What the pool keeps idle connections under: an endpoint, and the TLS client its connections
/// speak (``UpstreamTLSClient/id``; 0: plain TCP). A connection is never handed to a route that
/// speaks to the same address otherwise. An id, not the TLS settings: hashing it costs nothing
/// next to the endpoint.
struct UpstreamPoolKey: Hashable {
    var endpoint: Endpoint
    var tls: Int

    init(endpoint: Endpoint, tls: UpstreamTLSClient?) {
        self.endpoint = endpoint
        self.tls = tls?.id ?? 0
    }
}
