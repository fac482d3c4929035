import NIOCore
import NIOHTTP1

/// Turns an upgraded exchange into a byte tunnel: removes the HTTP codecs and proxy handlers from
/// both channels and glues them with a `TunnelGlueHandler` pair. `TunnelDeadlines` closes both
/// channels once the tunnel was silent in both directions for `idleTimeout`, or lived for
/// `maxDuration`. The exchange's access log entry, if any, is written when the tunnel closes.
enum TunnelSplice {
    /// Must run on the shared event loop, right after the `101` head was written to the client.
    /// `client` is the context of the `ClientConnectionHandler`, which is removed as well.
    static func splice(
        client clientContext: ChannelHandlerContext,
        upstream connection: UpstreamConnection,
        idleTimeout: TimeAmount,
        maxDuration: TimeAmount?,
        wheel: DeadlineWheel,
        metrics: ProxyMetricsShard,
        accessLog: TunnelAccessLogEntry?
    ) throws {
        let deadlines = TunnelDeadlines(idleTimeout: idleTimeout, maxDuration: maxDuration, wheel: wheel)
        let glue = TunnelGlueHandler.matchedPair(metrics: metrics, deadlines: deadlines, accessLog: accessLog)
        let clientChannel = clientContext.channel
        let client = clientContext.pipeline.syncOperations
        let upstream = connection.channel.pipeline.syncOperations

        // The glue's client end goes on first: it holds the access log entry and writes it when
        // the client channel closes, which the caller does if anything below throws.
        do {
            try client.addHandler(glue.client)
        } catch {
            var entry = accessLog
            entry?.write(tunnelBytes: 0, now: clientChannel.eventLoop.now)
            throw error
        }
        try clientChannel.syncOptions?.setOption(.allowRemoteHalfClosure, value: true)
        try connection.channel.syncOptions?.setOption(.allowRemoteHalfClosure, value: true)
        try upstream.addHandler(glue.upstream)
        let upstreamChannel = connection.channel
        // Stopped by the glue when the client channel closes, however the splice ends.
        deadlines.start {
            upstreamChannel.close(promise: nil)
            clientChannel.close(promise: nil)
        }

        // Upstream: the response handler goes first so that bytes the decoder held after the
        // 101 head (forwarded on its removal) reach the glue.
        upstream.removeHandler(connection.handler, promise: nil)
        // The decoder's removal completes on a later turn of the loop, which is when it forwards
        // the bytes it holds; they come with no read burst's end, which is when the glue flushes.
        let responseDecoderRemoved = clientChannel.eventLoop.makePromise(of: Void.self)
        upstream.removeHandler(
            try upstream.handler(type: ByteToMessageHandler<UpstreamResponseDecoder>.self), promise: responseDecoderRemoved)
        responseDecoderRemoved.futureResult.assumeIsolated().whenSuccess { clientChannel.flush() }
        if case .http1(let splitter) = connection.transport { upstream.removeHandler(splitter, promise: nil) }

        // Client: the handlers that take HTTP parts go first, the decoders last, so that bytes the
        // client sent right behind its upgrade request (its first frame, sent before the `101`),
        // which NIO's decoder holds and forwards on its removal, reach the glue.
        // The removal is synchronous: from here on the glue, not the handler, sees the close, and
        // counts it (exactly one of the two does, even if the splice fails below).
        glue.client.takeOverClientConnectionCount()
        client.removeHandler(context: clientContext, promise: nil)
        // An upgrade request goes through NIO's decoder (`PlainRequestHead` declines it), behind
        // the connection's own decoder.
        if let nioDecoder = try? client.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self) {
            // As with the response decoder above.
            let removed = clientChannel.eventLoop.makePromise(of: Void.self)
            client.removeHandler(nioDecoder, promise: removed)
            removed.futureResult.assumeIsolated().whenSuccess { upstreamChannel.flush() }
        }
        if let decoder = try? client.handler(type: ClientRequestDecoder.self) {
            client.removeHandler(decoder, promise: nil)
        }

        // Reads either side held back while it was HTTP start again under the glue's rules.
        try connection.channel.syncOptions?.setOption(.autoRead, value: true)
        try clientChannel.syncOptions?.setOption(.autoRead, value: true)
        clientChannel.read()
        connection.channel.read()
    }
}
