import NIOCore
import NIOHTTP1
import SluiceRouting

/// One HTTP/1.1 connection to an upstream endpoint, owned either by the pool (idle) or by one
/// exchange (busy). Lives on its channel's event loop.
final class UpstreamConnection {
    let channel: any Channel
    /// The endpoint and how it is spoken to (plain or which TLS), under which the pool keeps it.
    let poolKey: UpstreamPoolKey
    var endpoint: Endpoint { poolKey.endpoint }
    let handler: UpstreamResponseHandler
    /// In front of the decoder: may relay an event stream's body past it.
    let splitter: UpstreamResponseSplitter
    /// Writes request parts from the splitter's place.
    var encoder: UpstreamRequestEncoder { splitter.encoder }
    /// When the connection last went back to the pool.
    var idleSince = NIODeadline.uptimeNanoseconds(0)
    /// Requests sent on this connection so far.
    var requestsSent = 0

    init(
        channel: any Channel, poolKey: UpstreamPoolKey, handler: UpstreamResponseHandler, splitter: UpstreamResponseSplitter
    ) {
        self.channel = channel
        self.poolKey = poolKey
        self.handler = handler
        self.splitter = splitter
        handler.connection = self
    }

    var isActive: Bool { channel.isActive }

    /// Writes from the encoder's place (`UpstreamRequestEncoder.writeDirect(_:promise:)`), which also
    /// tells the response decoder about each request.
    func write(_ part: UpstreamRequestPart) {
        encoder.writeDirect(part)
    }

    func flush() {
        encoder.flushDirect()
    }

    func close() {
        handler.delegate = nil
        channel.close(promise: nil)
    }

    /// Bytes written to this connection but not yet accepted by its socket.
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
