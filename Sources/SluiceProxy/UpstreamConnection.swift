import NIOCore
import NIOHTTP1
import SluiceRouting

/// One HTTP/1.1 connection to an upstream endpoint, owned either by the pool (idle) or by one
/// exchange (busy). Lives on its channel's event loop.
final class UpstreamConnection {
    let channel: any Channel
    let endpoint: Endpoint
    let handler: UpstreamResponseHandler
    /// Closes the connection when it idles in the pool for too long.
    var idleTimer: Scheduled<Void>?
    /// Requests sent on this connection so far.
    var requestsSent = 0

    init(channel: any Channel, endpoint: Endpoint, handler: UpstreamResponseHandler) {
        self.channel = channel
        self.endpoint = endpoint
        self.handler = handler
        handler.connection = self
    }

    var isActive: Bool { channel.isActive }

    func write(_ part: HTTPClientRequestPart) {
        channel.write(NIOAny(part), promise: nil)
    }

    func flush() {
        channel.flush()
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
