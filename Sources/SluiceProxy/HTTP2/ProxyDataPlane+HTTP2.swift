import NIOCore
import NIOHTTP1
import NIOHTTP2

extension ProxyDataPlane {
    /// Configures a client connection that speaks HTTP/2 (from its first byte: prior knowledge,
    /// or after ALPN chose `h2`): swift-nio-http2's connection handler, a connection manager, and
    /// on each stream the client opens an `ExtendedConnectReader`,
    /// `HTTP2FramePayloadToHTTP1ServerCodec` and an `HTTP2StreamHandler`. Must be called on the channel's event loop.
    ///
    /// See ``http2ConnectionConfiguration`` for the limits. The connection manager
    /// (`NIOHTTP2ServerConnectionManagementHandler`) closes a connection that has had no stream
    /// for `keepAliveIdleTimeout` (as nginx's `keepalive_timeout` does for HTTP/2), and on a drain
    /// (`ChannelShouldQuiesceEvent`) sends GOAWAY — a first one naming the last possible stream,
    /// then, after a PING round trip, the last stream it accepted — lets open streams finish,
    /// and closes once the last one has; the listener force-closes what outlives the grace
    /// period.
    /// `secure`: the connection came over TLS (`X-Forwarded-Proto: https`).
    /// `client`: who a load balancer's PROXY header named (nil: the socket's peer).
    /// `clientCertificate`: what the TLS handshake established of the client's certificate.
    func configureHTTP2Synchronously(
        channel: any Channel, secure: Bool = false, client: ProxiedClient? = nil, clientCertificate: ClientCertificateFacts? = nil
    ) throws {
        let manager = NIOHTTP2ServerConnectionManagementHandler(
            eventLoop: channel.eventLoop,
            configuration: .init(
                maxIdleTime: TimeAmount(configuration.keepAliveIdleTimeout), maxAge: nil, maxGraceTime: nil, keepalive: nil))
        let sync = channel.pipeline.syncOperations
        let drainNotice = HTTP2DrainNotice()
        let drain = drainNotice.state
        try sync.addHandler(HTTP2AbuseCloser())
        _ = try sync.configureHTTP2Pipeline(
            mode: .server, connectionConfiguration: http2ConnectionConfiguration, streamConfiguration: Self.http2StreamConfiguration,
            streamDelegate: manager.http2StreamDelegate
        ) { [self] stream in
            stream.eventLoop.makeCompletedFuture {
                let handler = HTTP2StreamHandler(dataPlane: self, loop: loopContext(for: stream.eventLoop), secure: secure, proxiedClient: client,
                    clientCertificate: clientCertificate, drain: drain)
                let sync = stream.pipeline.syncOperations
                try sync.addHandler(ExtendedConnectReader(handler: handler))
                try sync.addHandler(HTTP2FramePayloadToHTTP1ServerCodec())
                try sync.addHandler(handler)
            }
        }
        try sync.addHandler(drainNotice)
        try sync.addHandler(manager)
        let metrics = loopContext(for: channel.eventLoop).metrics
        metrics.http2ConnectionOpened()
        channel.closeFuture.whenComplete { _ in metrics.http2ConnectionClosed() }
        // Added to a connection already active (after ALPN, or the preface sniffed): the manager
        // starts its idle clock on `channelActive`, which has passed.
        if channel.isActive { manager.channelActive(context: try sync.context(handler: manager)) }
    }

    /// The connection's settings and its defences, each closing an abusive connection with
    /// GOAWAY (then closed: `HTTP2AbuseCloser`) without touching the others:
    /// - at most ``ProxyConfiguration/http2MaxConcurrentStreams`` streams at once; header lists
    ///   (HPACK-decoded, so a compression bomb counts at its decoded size) up to `maxHeaderBytes`;
    /// - rapid reset (CVE-2023-44487): at most 200 client RST_STREAMs in 30 s, and streams reset
    ///   before their response count as glitches;
    /// - CONTINUATION floods (CVE-2024-27316): at most 5 CONTINUATION frames in a row;
    /// - SETTINGS, PING and PRIORITY floods: at most 200 in 30 s, and at most 10,000 control
    ///   frames (PING and SETTINGS acks) queued for a client that does not read them;
    /// - empty DATA frames in a row (a CPU-burning stall): 1.
    /// A stream whose client grants no window is cut after `clientSendTimeout` (the exchange's
    /// client stall), as one that stops reading over HTTP/1.1.
    var http2ConnectionConfiguration: NIOHTTP2Handler.ConnectionConfiguration {
        var connection = NIOHTTP2Handler.ConnectionConfiguration()
        connection.initialSettings = [
            HTTP2Setting(parameter: .maxConcurrentStreams, value: configuration.http2MaxConcurrentStreams),
            HTTP2Setting(parameter: .maxHeaderListSize, value: configuration.maxHeaderBytes),
            HTTP2Setting(parameter: .initialWindowSize, value: Self.http2StreamConfiguration.targetWindowSize),
            // WebSocket over HTTP/2 (`WebSocketOverHTTP2`).
            HTTP2Setting(parameter: .enableConnectProtocol, value: 1),
        ]
        return connection
    }

    /// Each stream's inbound window (64 KiB, HTTP/2's default: an upload is read as its upstream
    /// takes it) and the bytes a stream channel buffers before it stops being writable, which is
    /// when the exchange stops reading its upstream: a little more than a read burst's flush.
    static let http2StreamConfiguration: NIOHTTP2Handler.StreamConfiguration = {
        var stream = NIOHTTP2Handler.StreamConfiguration()
        stream.targetWindowSize = 65535
        stream.outboundBufferSizeHighWatermark = 64 * 1024
        stream.outboundBufferSizeLowWatermark = 16 * 1024
        return stream
    }()
}
