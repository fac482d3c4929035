import Logging
import NIOCore
import NIOHTTP1
import SluiceRouting

/// Keep-alive HTTP/1.1 connections to upstream endpoints for the exchanges of one event loop,
/// plain or over TLS (an `UpstreamTLSClient`'s: the handshake is done before a new connection is
/// handed out), kept apart by ``UpstreamPoolKey``.
///
/// Every connection lives on the pool's event loop, the same loop as the client connections that
/// use it, so handing bytes from one to the other never hops threads. Idle connections are
/// reused most-recent first, at most `upstreamMaxIdlePerEndpoint` are kept per endpoint, each is
/// closed after `upstreamIdleTimeout` (one sweep timer per pool, not one per connection), and
/// one the upstream closes leaves the pool at once.
final class UpstreamConnectionPool {
    private let eventLoop: any EventLoop
    private let configuration: ProxyConfiguration
    private let metrics: ProxyMetricsShard
    private let connector: UpstreamConnector
    /// Idle connections per endpoint and transport, oldest first; reuse takes the newest (the end).
    private var idle: [UpstreamPoolKey: [UpstreamConnection]] = [:]
    /// One timer for the whole pool closes connections idle longer than `upstreamIdleTimeout`.
    private var sweep: Scheduled<Void>?

    init(
        eventLoop: any EventLoop, configuration: ProxyConfiguration, metrics: ProxyMetricsShard,
        connector: UpstreamConnector
    ) {
        self.eventLoop = eventLoop
        self.connector = connector
        self.configuration = configuration
        self.metrics = metrics
    }

    /// A connection to `endpoint`, over TLS with `tls` (nil: plain TCP): a live idle one when
    /// there is one (`reused` true), otherwise a new one (after its TLS handshake, which the
    /// connect timeout also bounds). `completion` runs on the event loop; a failed handshake fails
    /// it with an `UpstreamTLSFailure`. An idle connection idle for `idleLimit` or longer is
    /// closed rather than reused (`auth-keepalive-timeout`).
    func acquire(
        endpoint: Endpoint,
        tls: UpstreamTLSClient? = nil,
        connectTimeout: TimeAmount,
        fresh: Bool = false,
        idleLimit: TimeAmount? = nil,
        completion: @escaping (Result<(connection: UpstreamConnection, reused: Bool), any Error>) -> Void
    ) {
        eventLoop.assertInEventLoop()
        let key = UpstreamPoolKey(endpoint: endpoint, tls: tls)
        if !fresh {
            while let connection = idle[key]?.popLast() {
                connection.handler.idleIn = nil
                if let idleLimit, connection.idleSince + idleLimit <= eventLoop.now {
                    connection.close()
                    continue
                }
                if connection.isActive {
                    metrics.upstreamConnectionReused()
                    completion(.success((connection, true)))
                    return
                }
            }
        }
        connect(key: key, tls: tls, timeout: connectTimeout, completion: completion)
    }

    /// Returns a connection whose exchange finished cleanly; it is kept if there is room.
    func release(_ connection: UpstreamConnection) {
        eventLoop.assertInEventLoop()
        connection.handler.delegate = nil
        // One lookup of the endpoint: hashing its address is most of what a release costs.
        guard connection.isActive, configuration.upstreamMaxIdlePerEndpoint > 0,
            idle[connection.poolKey, default: []].append(connection, ifCountBelow: configuration.upstreamMaxIdlePerEndpoint)
        else {
            connection.close()
            return
        }
        connection.idleSince = eventLoop.now
        connection.handler.idleIn = self
        // A read held back for the last client must go out, or an upstream close goes unnoticed.
        connection.handler.resumeReading()
        if sweep == nil {
            scheduleSweep(at: connection.idleSince + TimeAmount(configuration.upstreamIdleTimeout))
        }
    }

    /// Closes every idle connection (on shutdown).
    func closeIdle() {
        let all = idle.values.flatMap { $0 }
        idle.removeAll()
        sweep?.cancel()
        sweep = nil
        for connection in all {
            connection.handler.idleIn = nil
            connection.close()
        }
    }

    /// Idle connections to `endpoint` over `tls` (for tests and diagnostics).
    func idleCount(for endpoint: Endpoint, tls: UpstreamTLSClient? = nil) -> Int {
        idle[UpstreamPoolKey(endpoint: endpoint, tls: tls)]?.count ?? 0
    }

    /// An idle connection's channel closed (the upstream closed it): forget it.
    func remove(_ connection: UpstreamConnection) {
        idle[connection.poolKey]?.removeAll { $0 === connection }
    }

    private func scheduleSweep(at deadline: NIODeadline) {
        sweep = eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            sweep = nil
            closeExpired()
        }
    }

    /// Closes the connections idle for `upstreamIdleTimeout` and plans the next sweep.
    private func closeExpired() {
        let limit = TimeAmount(configuration.upstreamIdleTimeout)
        let now = eventLoop.now
        var expired: [UpstreamConnection] = []
        var next: NIODeadline?
        for key in Array(idle.keys) {
            var list = idle.removeValue(forKey: key) ?? []
            while let oldest = list.first, oldest.idleSince + limit <= now {
                expired.append(list.removeFirst())
            }
            if let oldest = list.first {
                idle[key] = list
                next = min(next ?? oldest.idleSince + limit, oldest.idleSince + limit)
            }
        }
        for connection in expired {
            connection.handler.idleIn = nil
            connection.close()
        }
        if let next { scheduleSweep(at: next) }
    }

    private func connect(
        key: UpstreamPoolKey,
        tls: UpstreamTLSClient?,
        timeout: TimeAmount,
        completion: @escaping (Result<(connection: UpstreamConnection, reused: Bool), any Error>) -> Void
    ) {
        let metrics = self.metrics
        let waterMark = ChannelOptions.Types.WriteBufferWaterMark(
            low: configuration.writeBufferLowWaterMark, high: configuration.writeBufferHighWaterMark)
        let handshake = tls.map { _ in eventLoop.makePromise(of: Void.self) }
        let connected = connector.connect(key.endpoint, eventLoop, timeout, waterMark) { channel in
            if let tls, let handshake {
                try channel.pipeline.syncOperations.addHandler(tls.makeHandler())
                try channel.pipeline.syncOperations.addHandler(UpstreamTLSHandshake(done: handshake, timeout: timeout))
            }
            // No outbound header validator: the request heads written here carry fields the
            // client's parser accepted plus the proxy's own, all valid by construction.
            let handler = UpstreamResponseHandler(metrics: metrics)
            let decoder = UpstreamResponseDecoder()
            // The request encoder is no handler: it writes from the splitter's place.
            let splitter = UpstreamResponseSplitter(
                target: handler, decoder: decoder, encoder: UpstreamRequestEncoder(responseDecoder: decoder))
            try channel.pipeline.syncOperations.addHandlers([splitter, ByteToMessageHandler(decoder), handler])
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
        future.assumeIsolated().whenComplete { result in
            switch result {
            case .success(let channel):
                do {
                    let handler = try channel.pipeline.syncOperations.handler(type: UpstreamResponseHandler.self)
                    let splitter = try channel.pipeline.syncOperations.handler(type: UpstreamResponseSplitter.self)
                    metrics.upstreamConnectionOpened()
                    let connection = UpstreamConnection(
                        channel: channel, poolKey: key, handler: handler, transport: .http1(splitter))
                    completion(.success((connection, false)))
                } catch {
                    channel.close(promise: nil)
                    completion(.failure(error))
                }
            case .failure(let error):
                completion(.failure(error))
            }
        }
    }
}

@available(*, unavailable)
extension UpstreamConnectionPool: Sendable {}

extension Array {
    /// Appends `element` unless the array already has `limit` elements; whether it did.
    fileprivate mutating func append(_ element: Element, ifCountBelow limit: Int) -> Bool {
        guard count < limit else { return false }
        append(element)
        return true
    }
}
