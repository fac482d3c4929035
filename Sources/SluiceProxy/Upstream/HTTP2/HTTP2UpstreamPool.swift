import NIOCore
import NIOHTTP1
import NIOHTTP2
import SluiceRouting

/// Multiplexed HTTP/2 connections to upstream endpoints (routes whose `UpstreamProtocol` is
/// `.http2`: `H2C`, `GRPC`, and over TLS with ALPN `h2`, `GRPCS`) for the exchanges of one event loop: each exchange gets a stream of
/// its own on a connection to its endpoint, opened lazily.
///
/// - One connection per endpoint carries every stream the peer allows
///   (`SETTINGS_MAX_CONCURRENT_STREAMS`); when it is full, another connection is opened rather
///   than the stream queued (as Envoy's HTTP/2 pool does): an exchange never waits on other
///   exchanges' streams. Exchanges that arrive while a connection is being established wait for
///   it rather than open their own.
/// - A connection the peer sends GOAWAY on takes no new streams (its open ones finish); one that
///   closes or fails is forgotten. The next exchange opens a new one.
/// - A connection without streams for `upstreamIdleTimeout` is closed (one sweep timer per pool).
///
/// The streams' handlers are those of an HTTP/1 connection (`UpstreamResponseHandler`, behind
/// swift-nio-http2's `HTTP2FramePayloadToHTTP1ClientCodec`), so the exchange reads both alike.
final class HTTP2UpstreamPool {
    private let eventLoop: any EventLoop
    private let configuration: ProxyConfiguration
    private let metrics: ProxyMetricsShard
    private let connector: UpstreamConnector
    /// Connections per endpoint and TLS setting (plain or which), connecting or established,
    /// oldest first: a connection verified for one name never carries another's streams.
    private var connections: [UpstreamPoolKey: [HTTP2UpstreamConnection]] = [:]
    private var sweep: Scheduled<Void>?

    init(
        eventLoop: any EventLoop, configuration: ProxyConfiguration, metrics: ProxyMetricsShard,
        connector: UpstreamConnector
    ) {
        self.eventLoop = eventLoop
        self.configuration = configuration
        self.metrics = metrics
        self.connector = connector
    }

    /// A new stream to `endpoint`, on a connection that has room or a new one (`fresh`: always a
    /// new one). `reused`: the connection was already established (a stream it fails may be
    /// retried on a fresh one). `completion` runs on the event loop.
    func acquire(
        endpoint: Endpoint,
        tls: UpstreamTLSClient? = nil,
        connectTimeout: TimeAmount,
        fresh: Bool = false,
        completion: @escaping (Result<(connection: UpstreamConnection, reused: Bool), any Error>) -> Void
    ) {
        eventLoop.assertInEventLoop()
        let key = UpstreamPoolKey(endpoint: endpoint, tls: tls)
        let connection: HTTP2UpstreamConnection
        if !fresh, let existing = connections[key]?.last(where: { $0.hasRoom }) {
            connection = existing
        } else {
            connection = connect(key: key, tls: tls, timeout: connectTimeout)
        }
        let reused = connection.isReady
        if reused { metrics.upstreamConnectionReused() }
        connection.streams += 1
        connection.whenReady { [self] result in
            switch result {
            case .success: openStream(on: connection, reused: reused, completion: completion)
            case .failure(let error):
                streamClosed(on: connection)
                completion(.failure(error))
            }
        }
    }

    /// Connections to `endpoint`, established or not (for tests and diagnostics).
    func connectionCount(for endpoint: Endpoint, tls: UpstreamTLSClient? = nil) -> Int {
        connections[UpstreamPoolKey(endpoint: endpoint, tls: tls)]?.count ?? 0
    }

    /// Closes every connection without streams (on shutdown).
    func closeIdle() {
        sweep?.cancel()
        sweep = nil
        for connection in connections.values.joined() where connection.streams == 0 {
            connection.close()
        }
    }

    private func openStream(
        on connection: HTTP2UpstreamConnection, reused: Bool,
        completion: @escaping (Result<(connection: UpstreamConnection, reused: Bool), any Error>) -> Void
    ) {
        guard let multiplexer = connection.multiplexer else {
            streamClosed(on: connection)
            completion(.failure(ChannelError.ioOnClosedChannel))
            return
        }
        let metrics = self.metrics
        let scheme: HTTP2FramePayloadToHTTP1ClientCodec.HTTPProtocol = connection.key.tls == 0 ? .http : .https
        let created = eventLoop.makePromise(of: (any Channel).self)
        multiplexer.createStreamChannel(promise: created) { stream in
            stream.eventLoop.makeCompletedFuture {
                try stream.pipeline.syncOperations.addHandlers([
                    HTTP2FramePayloadToHTTP1ClientCodec(httpProtocol: scheme), UpstreamResponseHandler(metrics: metrics),
                ])
            }
        }
        created.futureResult.assumeIsolated().whenComplete { [self] result in
            switch result {
            case .success(let stream):
                stream.closeFuture.assumeIsolated().whenComplete { [self] _ in streamClosed(on: connection) }
                do {
                    let handler = try stream.pipeline.syncOperations.handler(type: UpstreamResponseHandler.self)
                    let upstream = UpstreamConnection(
                        channel: stream, poolKey: connection.key, handler: handler, transport: .http2(connection))
                    completion(.success((upstream, reused)))
                } catch {
                    stream.close(promise: nil)
                    completion(.failure(error))
                }
            case .failure(let error):
                streamClosed(on: connection)
                completion(.failure(error))
            }
        }
    }

    /// A stream of `connection` closed (or was never opened): the last one starts its idle clock.
    private func streamClosed(on connection: HTTP2UpstreamConnection) {
        connection.streams -= 1
        guard connection.streams == 0 else { return }
        connection.idleSince = eventLoop.now
        if sweep == nil {
            scheduleSweep(at: connection.idleSince + TimeAmount(configuration.upstreamIdleTimeout))
        }
    }

    /// A new connection for `key`; with `tls`, the TLS handshake (ALPN `h2`) comes first, bounded
    /// by the connect timeout, and a failed one fails the connection as a refused connect would.
    private func connect(key: UpstreamPoolKey, tls: UpstreamTLSClient?, timeout: TimeAmount) -> HTTP2UpstreamConnection {
        let connection = HTTP2UpstreamConnection(key: key, now: eventLoop.now)
        connections[key, default: []].append(connection)
        let handshake = tls.map { _ in eventLoop.makePromise(of: Void.self) }
        let waterMark = ChannelOptions.Types.WriteBufferWaterMark(
            low: configuration.writeBufferLowWaterMark, high: configuration.writeBufferHighWaterMark)
        let maxHeaderBytes = configuration.maxHeaderBytes
        let connected = connector.connect(key.endpoint, eventLoop, timeout, waterMark) { channel in
            if let tls, let handshake {
                try channel.pipeline.syncOperations.addHandler(tls.makeHandler())
                try channel.pipeline.syncOperations.addHandler(UpstreamTLSHandshake(done: handshake, timeout: timeout))
            }
            var settings = NIOHTTP2Handler.ConnectionConfiguration()
            settings.initialSettings = [
                HTTP2Setting(parameter: .enablePush, value: 0),
                HTTP2Setting(parameter: .maxHeaderListSize, value: maxHeaderBytes),
            ]
            // The upstream opens no streams (push is off): one it opens anyway is closed.
            _ = try channel.pipeline.syncOperations.configureHTTP2Pipeline(
                mode: .client, connectionConfiguration: settings, streamConfiguration: .init()
            ) { pushed in pushed.close() }
            try channel.pipeline.syncOperations.addHandler(HTTP2UpstreamConnectionWatcher())
        }
        let future: EventLoopFuture<any Channel>
        if let handshake {
            connected.whenFailure { handshake.fail($0) }
            future = connected.flatMap { channel in
                handshake.futureResult.flatMapErrorThrowing { error in
                    channel.close(promise: nil)
                    throw error
                }.map { channel }
            }
        } else {
            future = connected
        }
        future.assumeIsolated().whenComplete { [self] result in
            switch result {
            case .success(let channel):
                do {
                    let multiplexer = try channel.pipeline.syncOperations.handler(type: NIOHTTP2Handler.self).syncMultiplexer()
                    let watcher = try channel.pipeline.syncOperations.handler(type: HTTP2UpstreamConnectionWatcher.self)
                    metrics.upstreamConnectionOpened()
                    watcher.onGoAway = { [self] in forget(connection) }
                    channel.closeFuture.assumeIsolated().whenComplete { [self] _ in
                        watcher.onGoAway = nil
                        forget(connection)
                        connection.retire(ChannelError.ioOnClosedChannel)
                    }
                    connection.established(channel: channel, multiplexer: multiplexer, watcher: watcher)
                } catch {
                    channel.close(promise: nil)
                    forget(connection)
                    connection.retire(error)
                }
            case .failure(let error):
                forget(connection)
                connection.retire(error)
            }
        }
        return connection
    }

    /// `connection` takes no new streams: later exchanges open another.
    private func forget(_ connection: HTTP2UpstreamConnection) {
        connections[connection.key]?.removeAll { $0 === connection }
        if connections[connection.key]?.isEmpty == true { connections[connection.key] = nil }
    }

    private func scheduleSweep(at deadline: NIODeadline) {
        sweep = eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            sweep = nil
            closeExpired()
        }
    }

    /// Closes the connections without streams for `upstreamIdleTimeout`, and plans the next sweep.
    private func closeExpired() {
        let limit = TimeAmount(configuration.upstreamIdleTimeout)
        let now = eventLoop.now
        var next: NIODeadline?
        for connection in Array(connections.values.joined()) where connection.streams == 0 && connection.isReady {
            let expiry = connection.idleSince + limit
            if expiry <= now {
                forget(connection)
                connection.close()
            } else {
                next = min(next ?? expiry, expiry)
            }
        }
        if let next { scheduleSweep(at: next) }
    }
}

@available(*, unavailable)
extension HTTP2UpstreamPool: Sendable {}
