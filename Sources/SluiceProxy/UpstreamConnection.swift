import NIOCore
import NIOHTTP1
import SluiceRouting

/// One HTTP/1.1 connection to an upstream endpoint, owned either by the pool (idle) or by one
/// exchange (busy). Lives on its channel's event loop.
final class UpstreamConnection {
    let channel: any Channel
    let endpoint: Endpoint
    let handler: UpstreamResponseHandler
    /// In front of the decoder: may relay an event stream's body past it.
    let splitter: UpstreamResponseSplitter
    /// When the connection last went back to the pool.
    var idleSince = NIODeadline.uptimeNanoseconds(0)
    /// Requests sent on this connection so far.
    var requestsSent = 0

    init(channel: any Channel, endpoint: Endpoint, handler: UpstreamResponseHandler, splitter: UpstreamResponseSplitter) {
        self.channel = channel
        self.endpoint = endpoint
        self.handler = handler
        self.splitter = splitter
        handler.connection = self
    }

    var isActive: Bool { channel.isActive }

    /// Writes from the response handler's position, skipping the pipeline's tail.
    func write(_ part: HTTPClientRequestPart) {
        handler.write(part)
    }

    func flush() {
        handler.flush()
    }

    func close() {
        handler.delegate = nil
        channel.close(promise: nil)
    }

    /// The response decoder of an upstream connection's pipeline (interim heads are passed on;
    /// bytes it holds when it is removed for a tunnel go to the next handler).
    static func makeDecoder() -> ByteToMessageHandler<HTTPResponseDecoder> {
        ByteToMessageHandler(HTTPResponseDecoder(leftOverBytesStrategy: .forwardBytes, informationalResponseStrategy: .forward))
    }

    /// After a relayed body, which left the decoder inside a message it never saw the rest of:
    /// puts a fresh decoder in its place, so that the connection can carry another request.
    /// Completes once it is there (NIO removes a decoder on a later turn of the loop).
    func replaceDecoder() -> EventLoopFuture<Void> {
        let sync = channel.pipeline.syncOperations
        let splitter = self.splitter
        let promise = channel.eventLoop.makePromise(of: Void.self)
        do {
            sync.removeHandler(try sync.handler(type: ByteToMessageHandler<HTTPResponseDecoder>.self), promise: promise)
        } catch {
            promise.fail(error)
        }
        let channel = self.channel
        return promise.futureResult.assumeIsolated().flatMapThrowing {
            try channel.pipeline.syncOperations.addHandler(Self.makeDecoder(), position: .after(splitter))
            splitter.reset()
        }.nonisolated()
    }

    /// Bytes written to this connection but not yet accepted by its socket.
    var bufferedBytes: Int {
        (try? channel.syncOptions?.getOption(ChannelOptions.bufferedWritableBytes)) ?? 0
    }
}

@available(*, unavailable)
extension UpstreamConnection: Sendable {}
