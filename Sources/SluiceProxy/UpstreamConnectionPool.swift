import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import SluiceRouting

/// Keep-alive HTTP/1.1 connections to upstream endpoints for the exchanges of one event loop.
///
/// Every connection lives on the pool's event loop, the same loop as the client connections that
/// use it, so handing bytes from one to the other never hops threads. Idle connections are
/// reused most-recent first, at most `upstreamMaxIdlePerEndpoint` are kept per endpoint, each is
/// closed after `upstreamIdleTimeout`, and one the upstream closes leaves the pool at once.
final class UpstreamConnectionPool {
    private let eventLoop: any EventLoop
    private let configuration: ProxyConfiguration
    private let metrics: ProxyMetrics
    private var idle: [Endpoint: [UpstreamConnection]] = [:]

    init(eventLoop: any EventLoop, configuration: ProxyConfiguration, metrics: ProxyMetrics) {
        self.eventLoop = eventLoop
        self.configuration = configuration
        self.metrics = metrics
    }

    /// A connection to `endpoint`: a live idle one when there is one (`reused` true), otherwise a
    /// new one. `completion` runs on the event loop.
    func acquire(
        endpoint: Endpoint,
        connectTimeout: Duration,
        fresh: Bool = false,
        completion: @escaping (Result<(connection: UpstreamConnection, reused: Bool), any Error>) -> Void
    ) {
        eventLoop.assertInEventLoop()
        if !fresh {
            while var list = idle[endpoint], let connection = list.popLast() {
                idle[endpoint] = list.isEmpty ? nil : list
                connection.idleTimer?.cancel()
                connection.idleTimer = nil
                connection.handler.onInactive = nil
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
        var list = idle[connection.endpoint, default: []]
        guard connection.isActive, list.count < configuration.upstreamMaxIdlePerEndpoint else {
            connection.close()
            return
        }
        list.append(connection)
        idle[connection.endpoint] = list
        // A read held back for the last client must go out, or an upstream close goes unnoticed.
        connection.handler.resumeReading()
        connection.handler.onInactive = { [weak self, weak connection] in
            guard let self, let connection else { return }
            self.remove(connection)
        }
        connection.idleTimer = eventLoop.assumeIsolated().scheduleTask(
            in: TimeAmount(configuration.upstreamIdleTimeout)
        ) { [weak connection] in
            connection?.close()
        }
    }

    /// Closes every idle connection (on shutdown).
    func closeIdle() {
        let all = idle.values.flatMap { $0 }
        idle.removeAll()
        for connection in all {
            connection.idleTimer?.cancel()
            connection.handler.onInactive = nil
            connection.close()
        }
    }

    /// Idle connections to `endpoint` (for tests and diagnostics).
    func idleCount(for endpoint: Endpoint) -> Int {
        idle[endpoint]?.count ?? 0
    }

    private func remove(_ connection: UpstreamConnection) {
        connection.idleTimer?.cancel()
        connection.idleTimer = nil
        guard var list = idle[connection.endpoint] else { return }
        list.removeAll { $0 === connection }
        idle[connection.endpoint] = list.isEmpty ? nil : list
    }

    private func connect(
        endpoint: Endpoint,
        timeout: Duration,
        completion: @escaping (Result<(connection: UpstreamConnection, reused: Bool), any Error>) -> Void
    ) {
        let metrics = self.metrics
        let waterMark = ChannelOptions.Types.WriteBufferWaterMark(
            low: configuration.writeBufferLowWaterMark, high: configuration.writeBufferHighWaterMark)
        let future = ClientBootstrap(group: eventLoop)
            .connectTimeout(TimeAmount(timeout))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelOption(.writeBufferWaterMark, value: waterMark)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers(leftOverBytesStrategy: .forwardBytes)
                    try channel.pipeline.syncOperations.addHandler(UpstreamResponseHandler(metrics: metrics))
                }
            }
            .connect(host: endpoint.host, port: endpoint.port)
        future.assumeIsolated().whenComplete { result in
            switch result {
            case .success(let channel):
                do {
                    let handler = try channel.pipeline.syncOperations.handler(type: UpstreamResponseHandler.self)
                    metrics.upstreamConnectionOpened()
                    completion(.success((UpstreamConnection(channel: channel, endpoint: endpoint, handler: handler), false)))
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
