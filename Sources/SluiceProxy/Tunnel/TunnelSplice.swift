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
        accessLog: TunnelAccessLogEntry?,
        streamMetrics: StreamMetricsRecord? = nil
    ) throws {
        let clientChannel = clientContext.channel
        let client = clientContext.pipeline.syncOperations
        let (glue, deadlines) = try glueClientEnd(
            on: clientChannel, idleTimeout: idleTimeout, maxDuration: maxDuration, wheel: wheel, metrics: metrics, accessLog: accessLog,
            stream: streamMetrics)
        try clientChannel.syncOptions?.setOption(.allowRemoteHalfClosure, value: true)
        let upstreamChannel = try spliceUpstream(connection, glue: glue.upstream, deadlines: deadlines, client: clientChannel)

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

    /// A glued pair and its deadlines, the client end already on `channel`. It goes on first: it
    /// holds the access log entry and writes it when the client channel closes, which the caller
    /// does if anything after this throws.
    private static func glueClientEnd(
        on channel: any Channel, idleTimeout: TimeAmount, maxDuration: TimeAmount?, wheel: DeadlineWheel,
        metrics: ProxyMetricsShard, accessLog: TunnelAccessLogEntry?, stream: StreamMetricsRecord?
    ) throws -> (glue: (client: TunnelGlueHandler, upstream: TunnelGlueHandler), deadlines: TunnelDeadlines) {
        let deadlines = TunnelDeadlines(idleTimeout: idleTimeout, maxDuration: maxDuration, wheel: wheel, stream: stream)
        let glue = TunnelGlueHandler.matchedPair(metrics: metrics, deadlines: deadlines, accessLog: accessLog)
        do {
            try channel.pipeline.syncOperations.addHandler(glue.client)
        } catch {
            var entry = accessLog
            entry?.write(tunnelBytes: 0, now: channel.eventLoop.now)
            deadlines.streamEnded(.error)
            throw error
        }
        return (glue, deadlines)
    }

    /// The upstream half of a splice, shared by both client protocols: the glue's upstream end
    /// goes on, the HTTP handlers leave (bytes the decoder held after the `101` head reach the
    /// glue), and the deadlines start, closing both channels when they pass.
    private static func spliceUpstream(
        _ connection: UpstreamConnection, glue: TunnelGlueHandler, deadlines: TunnelDeadlines, client clientChannel: any Channel
    ) throws -> any Channel {
        let upstream = connection.channel.pipeline.syncOperations
        try connection.channel.syncOptions?.setOption(.allowRemoteHalfClosure, value: true)
        try upstream.addHandler(glue)
        let upstreamChannel = connection.channel
        // Stopped by the glue when the client channel closes, however the splice ends.
        deadlines.start {
            upstreamChannel.close(promise: nil)
            clientChannel.close(promise: nil)
        }
        // The response handler goes first so that bytes the decoder held after the 101 head
        // (forwarded on its removal) reach the glue.
        upstream.removeHandler(connection.handler, promise: nil)
        // The decoder's removal completes on a later turn of the loop, which is when it forwards
        // the bytes it holds; they come with no read burst's end, which is when the glue flushes.
        let responseDecoderRemoved = clientChannel.eventLoop.makePromise(of: Void.self)
        upstream.removeHandler(
            try upstream.handler(type: ByteToMessageHandler<UpstreamResponseDecoder>.self), promise: responseDecoderRemoved)
        responseDecoderRemoved.futureResult.assumeIsolated().whenSuccess { clientChannel.flush() }
        if case .http1(let splitter) = connection.transport { upstream.removeHandler(splitter, promise: nil) }
        return upstreamChannel
    }

    /// Splices an HTTP/2 stream that carries a WebSocket (RFC 8441) with its upgraded upstream
    /// connection, right after the stream's `200` head was written: the stream's
    /// `HTTP2StreamHandler` (`stream`) and `:protocol` reader give way to `HTTP2StreamBytes` and
    /// the glue's client end. The stream is not a client connection:
    /// closing it resets the stream only.
    static func splice(
        stream streamContext: ChannelHandlerContext,
        upstream connection: UpstreamConnection,
        idleTimeout: TimeAmount,
        maxDuration: TimeAmount?,
        wheel: DeadlineWheel,
        metrics: ProxyMetricsShard,
        accessLog: TunnelAccessLogEntry?,
        streamMetrics: StreamMetricsRecord? = nil
    ) throws {
        let streamChannel = streamContext.channel
        let stream = streamContext.pipeline.syncOperations
        let (glue, deadlines) = try glueClientEnd(
            on: streamChannel, idleTimeout: idleTimeout, maxDuration: maxDuration, wheel: wheel, metrics: metrics, accessLog: accessLog,
            stream: streamMetrics)
        try stream.addHandler(HTTP2StreamBytes(), position: .before(glue.client))
        let upstreamChannel = try spliceUpstream(connection, glue: glue.upstream, deadlines: deadlines, client: streamChannel)
        stream.removeHandler(context: streamContext, promise: nil)
        if let reader = try? stream.handler(type: ExtendedConnectReader.self) {
            stream.removeHandler(reader, promise: nil)
        }
        try upstreamChannel.syncOptions?.setOption(.autoRead, value: true)
        try streamChannel.syncOptions?.setOption(.autoRead, value: true)
        streamChannel.read()
        upstreamChannel.read()
    }
}
