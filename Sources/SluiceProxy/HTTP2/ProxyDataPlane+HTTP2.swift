import NIOCore
import NIOHTTP1
import NIOHTTP2

extension ProxyDataPlane {
    /// Configures a client connection that speaks HTTP/2 (from its first byte: prior knowledge,
    /// or after ALPN chose `h2`): swift-nio-http2's connection handler, and on each stream the
    /// client opens `HTTP2FramePayloadToHTTP1ServerCodec` and an `HTTP2StreamHandler`. Must be
    /// called on the channel's event loop.
    ///
    /// Settings: at most ``ProxyConfiguration/http2MaxConcurrentStreams`` streams at once, header
    /// lists up to `maxHeaderBytes`; swift-nio-http2's own limits stand against control-frame,
    /// CONTINUATION and reset floods.
    /// `secure`: the connection came over TLS (`X-Forwarded-Proto: https`).
    /// `client`: who a load balancer's PROXY header named (nil: the socket's peer).
    func configureHTTP2Synchronously(channel: any Channel, secure: Bool = false, client: ProxiedClient? = nil) throws {
        var connection = NIOHTTP2Handler.ConnectionConfiguration()
        connection.initialSettings = [
            HTTP2Setting(parameter: .maxConcurrentStreams, value: configuration.http2MaxConcurrentStreams),
            HTTP2Setting(parameter: .maxHeaderListSize, value: configuration.maxHeaderBytes),
        ]
        _ = try channel.pipeline.syncOperations.configureHTTP2Pipeline(
            mode: .server, connectionConfiguration: connection, streamConfiguration: .init()
        ) { [self] stream in
            stream.eventLoop.makeCompletedFuture {
                let handler = HTTP2StreamHandler(dataPlane: self, loop: loopContext(for: stream.eventLoop), secure: secure, proxiedClient: client)
                try stream.pipeline.syncOperations.addHandlers([HTTP2FramePayloadToHTTP1ServerCodec(), handler])
            }
        }
    }
}
