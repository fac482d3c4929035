import NIOCore
import NIOHTTP1

/// The side of an exchange that receives what an upstream connection delivers. Implemented by
/// `ClientConnectionHandler`; always called on the shared event loop.
protocol UpstreamResponseDelegate: AnyObject {
    func upstream(_ connection: UpstreamConnection, received part: HTTPClientResponsePart)
    /// The head of an event stream whose body the splitter relays (its `RelayPlan` said so); the
    /// decoder never sees this response. Its body follows as ``upstream(_:relayed:)``, its end as
    /// a `.end`.
    func upstream(_ connection: UpstreamConnection, relayStarted head: ChunkedResponseHead)
    /// Bytes of a chunked body relayed as the upstream framed them (see `UpstreamResponseSplitter`).
    func upstream(_ connection: UpstreamConnection, relayed bytes: ByteBuffer)
    /// The upstream sent bytes after the end of a relayed body: the connection must not be reused.
    /// (The end itself arrives as a `.end`.)
    func upstreamRelayOverran(_ connection: UpstreamConnection)
    /// The relayed body broke its chunked framing; nothing of the offending bytes was relayed.
    func upstream(_ connection: UpstreamConnection, relayFailed failure: ChunkedBodyScanner.Failure)
    /// The end of a read burst: what was received is flushed to the client now, once.
    func upstreamReadComplete(_ connection: UpstreamConnection)
    func upstreamWritabilityChanged(_ connection: UpstreamConnection)
    func upstreamClosed(_ connection: UpstreamConnection)
}

/// Last handler of an upstream connection's pipeline: hands response parts to the exchange using
/// the connection, and stops the connection's reads while that exchange's client cannot take more
/// bytes (``pauseReading()``). With no exchange (the connection idles in the pool) any inbound
/// data is a protocol error and closes the connection.
///
/// Backpressure turns the channel's `autoRead` off and on, rather than holding back `read()` on
/// its way through the pipeline: a relayed event then costs no `read()` pass through the
/// pipeline's outbound handlers, and the pause is decided once per read burst, when the burst has
/// been written to the client (`ClientConnectionHandler.upstreamReadComplete(_:)`).
///
/// References are strong (weak references put every retain of the referenced object on a slow
/// path): `delegate` is cleared when the exchange lets go of the connection, `connection` when
/// the handler leaves the pipeline (the channel closed or became a tunnel), `idleIn` when the
/// pool hands the connection out or forgets it.
final class UpstreamResponseHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart

    var delegate: (any UpstreamResponseDelegate)?
    /// The pool holding this connection while it idles; told when the channel goes away.
    var idleIn: UpstreamConnectionPool?
    var connection: UpstreamConnection?
    private var context: ChannelHandlerContext?
    /// Reading is paused (`autoRead` off) because the client cannot take more (backpressure).
    private(set) var readHeld = false
    private let metrics: ProxyMetricsShard

    init(metrics: ProxyMetricsShard) {
        self.metrics = metrics
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        self.connection = nil
        self.delegate = nil
        self.idleIn = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received(unwrapInboundIn(data))
    }

    private func received(_ part: HTTPClientResponsePart) {
        if let delegate, let connection {
            delegate.upstream(connection, received: part)
        } else {
            context?.close(promise: nil)
        }
    }

    /// `UpstreamResponseSplitter` relays the body after `head`, which it parsed itself.
    func relayStarted(_ head: ChunkedResponseHead) {
        if let delegate, let connection {
            delegate.upstream(connection, relayStarted: head)
        } else {
            context?.close(promise: nil)
        }
    }

    /// An interim head `UpstreamResponseSplitter` parsed itself (`InterimResponseHead`).
    func interimParsed(_ head: HTTPResponseHead) {
        received(.head(head))
    }

    /// The end of a relayed body: the decoder saw none of its response.
    func relayEnded() {
        received(.end(nil))
    }

    /// Not passed on: this is the pipeline's last handler, and the tail does nothing with it.
    func channelReadComplete(context: ChannelHandlerContext) {
        if let delegate, let connection {
            delegate.upstreamReadComplete(connection)
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if let delegate, let connection {
            delegate.upstreamWritabilityChanged(connection)
        }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let pool = idleIn, let connection {
            idleIn = nil
            pool.remove(connection)
        }
        if let delegate, let connection {
            self.delegate = nil
            delegate.upstreamClosed(connection)
        }
        context.fireChannelInactive()
    }

    /// A read error (a reset, a response the decoder rejects) ends the exchange as a close
    /// does, before the channel closes: told only at `channelInactive`, the exchange would first
    /// get the `.end` that NIO's decoder makes of the close for a body delimited by it, and relay
    /// a response the upstream cut short as a complete one.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let delegate, let connection {
            self.delegate = nil
            delegate.upstreamClosed(connection)
        }
        context.close(promise: nil)
    }

    /// Body bytes from `UpstreamResponseSplitter`, which sits in front of the decoder.
    func relayed(_ bytes: ByteBuffer) {
        if let delegate, let connection {
            delegate.upstream(connection, relayed: bytes)
        }
    }

    /// The end of a read whose bytes were all relayed (`UpstreamResponseSplitter`).
    func relayReadComplete() {
        if let delegate, let connection {
            delegate.upstreamReadComplete(connection)
        }
    }

    func relayOverran() {
        if let delegate, let connection {
            delegate.upstreamRelayOverran(connection)
        }
    }

    func relayFailed(_ failure: ChunkedBodyScanner.Failure) {
        if let delegate, let connection {
            delegate.upstream(connection, relayFailed: failure)
        } else {
            context?.close(promise: nil)
        }
    }

    /// Writes a request part from this handler's place (an HTTP/2 stream's: the codec in front of
    /// it frames the part).
    func write(_ part: HTTPClientRequestPart) {
        context?.write(NIOAny(part), promise: nil)
    }

    func flush() {
        context?.flush()
    }

    /// Stops reading the connection until ``resumeReading()``: the channel's `autoRead` goes off,
    /// which also drops its interest in readability, so a burst already under way is the last.
    func pauseReading() {
        guard !readHeld, let context else { return }
        readHeld = true
        metrics.upstreamReadPaused()
        context.setAutoRead(false)
    }

    /// Reads again after ``pauseReading()`` (turning `autoRead` on issues the read; on an HTTP/2
    /// stream, the read is issued too).
    func resumeReading() {
        guard readHeld, let context else { return }
        readHeld = false
        if case .http2? = connection?.transport {
            context.resumeStreamAutoRead()
        } else {
            context.setAutoRead(true)
        }
    }
}

@available(*, unavailable)
extension UpstreamResponseHandler: Sendable {}
