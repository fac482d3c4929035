import Logging
import NIOCore
import NIOHTTP1
import SluiceRouting

/// Keep-alive HTTP/1.1 connections to upstream endpoints for the exchanges of one event loop.
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
    /// Idle connections per endpoint, oldest first; reuse takes the newest (the end).
    private var idle: [Endpoint: [UpstreamConnection]] = [:]
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

    /// A connection to `endpoint`: a live idle one when there is one (`reused` true), otherwise a
    /// new one. `completion` runs on the event loop.
    func acquire(
        endpoint: Endpoint,
        connectTimeout: TimeAmount,
        fresh: Bool = false,
        completion: @escaping (Result<(connection: UpstreamConnection, reused: Bool), any Error>) -> Void
    ) {
        eventLoop.assertInEventLoop()
        if !fresh {
            while let connection = idle[endpoint]?.popLast() {
                connection.handler.idleIn = nil
                if connection.isActive {
                    metrics.upstreamConnectionReused()
                    completion(.success((connection, true)))
                    return
                }
            }
        }
        connect(endpoint: endpoint, timeout: connectTimeout, completion: completion)
    }

    /// Returns a connection whose exchange finished cleanly; it is kept if there is room.
    func release(_ connection: UpstreamConnection) {
        eventLoop.assertInEventLoop()
        connection.handler.delegate = nil
        // One lookup of the endpoint: hashing its address is most of what a release costs.
        guard connection.isActive, configuration.upstreamMaxIdlePerEndpoint > 0,
            idle[connection.endpoint, default: []].append(connection, ifCountBelow: configuration.upstreamMaxIdlePerEndpoint)
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

    /// Idle connections to `endpoint` (for tests and diagnostics).
    func idleCount(for endpoint: Endpoint) -> Int {
        idle[endpoint]?.count ?? 0
    }

    /// An idle connection's channel closed (the upstream closed it): forget it.
    func remove(_ connection: UpstreamConnection) {
        idle[connection.endpoint]?.removeAll { $0 === connection }
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
        for endpoint in Array(idle.keys) {
            var list = idle.removeValue(forKey: endpoint) ?? []
            while let oldest = list.first, oldest.idleSince + limit <= now {
                expired.append(list.removeFirst())
            }
            if let oldest = list.first {
                idle[endpoint] = list
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
        endpoint: Endpoint,
        timeout: TimeAmount,
        completion: @escaping (Result<(connection: UpstreamConnection, reused: Bool), any Error>) -> Void
    ) {
        let metrics = self.metrics
        let waterMark = ChannelOptions.Types.WriteBufferWaterMark(
            low: configuration.writeBufferLowWaterMark, high: configuration.writeBufferHighWaterMark)
        let future = connector.connect(endpoint, eventLoop, timeout, waterMark) { channel in
            // No outbound header validator: the request heads written here carry fields the
            // client's parser accepted plus the proxy's own, all valid by construction.
            let handler = UpstreamResponseHandler(metrics: metrics)
            let decoder = UpstreamResponseDecoder()
            // The request encoder is no handler: it writes from the splitter's place.
            let splitter = UpstreamResponseSplitter(
                target: handler, decoder: decoder, encoder: UpstreamRequestEncoder(responseDecoder: decoder))
            try channel.pipeline.syncOperations.addHandlers([splitter, ByteToMessageHandler(decoder), handler])
        }
        future.assumeIsolated().whenComplete { result in
            switch result {
            case .success(let channel):
                do {
                    let handler = try channel.pipeline.syncOperations.handler(type: UpstreamResponseHandler.self)
                    let splitter = try channel.pipeline.syncOperations.handler(type: UpstreamResponseSplitter.self)
                    metrics.upstreamConnectionOpened()
                    let connection = UpstreamConnection(
                        channel: channel, endpoint: endpoint, handler: handler, splitter: splitter)
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
