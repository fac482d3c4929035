import NIOCore
import NIOHTTP1
import SluiceRouting

/// Getting an upstream connection for an exchange: from the event loop's pool or a new connect,
/// with one retry on another endpoint when a connect fails.
extension ClientConnectionHandler {
    /// An upgrade request always gets a new connection: the connection becomes a tunnel and
    /// never returns to the pool, and many servers (SwiftNIO's `HTTPServerUpgradeHandler` among
    /// them) honour `Upgrade` only on the first request of a connection.
    func attempt(_ exchange: ProxiedExchange, endpoint: Endpoint, fresh: Bool) {
        guard context != nil else { return }
        exchange.attempts += 1
        exchange.endpoint = endpoint
        let pool = loop.pool
        let fresh = fresh || exchange.requestedUpgrade
        pool.acquire(endpoint: endpoint, connectTimeout: exchange.policy.connectTimeout, fresh: fresh) {
            [self] result in
            guard self.exchange === exchange, self.context != nil else {
                if case .success(let lease) = result {
                    if lease.reused { pool.release(lease.connection) } else { lease.connection.close() }
                }
                return
            }
            switch result {
            case .success(let lease):
                upstreamReady(exchange, connection: lease.connection, reused: lease.reused)
            case .failure(let error):
                connectFailed(exchange, error: error)
            }
        }
    }

    private func upstreamReady(_ exchange: ProxiedExchange, connection: UpstreamConnection, reused: Bool) {
        guard let head = exchange.upstreamHead else { return }
        exchange.upstream = connection
        exchange.upstreamReused = reused
        connection.handler.delegate = self
        connection.requestsSent += 1
        if !exchange.requestedUpgrade, !exchange.headRequest {
            connection.splitter.expectResponse(
                RelayPlan(
                    declaredEventStream: exchange.policy.declaredEventStream,
                    allowed: exchange.clientVersion == .http1_1 && writer.relaysChunkedBodies,
                    clientAcceptsEventStream: head.acceptsEventStream, maxTrailerBytes: configuration.maxHeaderBytes))
        }
        connection.write(.head(head))
        let pending = exchange.pending
        exchange.pending.removeAll()
        for part in pending { send(part, on: connection, for: exchange) }
        connection.flush()
        connection.handler.resumeReading()
        touchUpstream(exchange)
        resumeClientReads()
    }

    private func connectFailed(_ exchange: ProxiedExchange, error: any Error) {
        dataPlane.logger.debug(
            "upstream connect failed",
            metadata: ["endpoint": "\(exchange.endpoint.map { "\($0)" } ?? "?")", "error": "\(error)"])
        if configuration.retryConnectOnce, exchange.attempts == 1, exchange.isReplayable,
            let failed = exchange.endpoint,
            let next = RoundRobinBalancer.next(for: exchange.backend, excluding: failed)
        {
            metrics.upstreamRetried()
            attempt(exchange, endpoint: next, fresh: false)
            return
        }
        fail(exchange, .upstreamUnreachable(backend: exchange.backend.name))
    }
}
