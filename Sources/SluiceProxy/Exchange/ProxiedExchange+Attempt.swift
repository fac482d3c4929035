import NIOCore
import NIOHTTP1
import SluiceRouting

/// Getting an upstream connection for the exchange (from the event loop's pool or a new connect;
/// a failed connect may go to another endpoint, see `+Retry`), and the request's parts on their
/// way to it.
extension ProxiedExchange {
    /// An upgrade request always gets a new connection: the connection becomes a tunnel and
    /// never returns to the pool, and many servers (SwiftNIO's `HTTPServerUpgradeHandler` among
    /// them) honour `Upgrade` only on the first request of a connection. A route to an HTTP/2
    /// backend draws a stream from the loop's `HTTP2UpstreamPool` instead of a connection.
    func attempt(endpoint: Endpoint, fresh: Bool) {
        guard client.isOpen else { return }
        if let gate = basicAuthGate {
            basicAuthGate = nil
            passBasicAuth(gate, thenAttempt: endpoint, fresh: fresh)
            return
        }
        attempts += 1
        if attempts == 1, policy.retry.timeout != nil { firstAttemptAt = client.loop.now }
        self.endpoint = endpoint
        let acquired = { [self] (result: Result<(connection: UpstreamConnection, reused: Bool), any Error>) in
            guard client.exchange === self, client.isOpen else {
                if case .success(let lease) = result { letGo(lease.connection, reusable: lease.reused) }
                return
            }
            switch result {
            case .success(let lease): upstreamReady(lease.connection, reused: lease.reused)
            case .failure(let error): connectFailed(error)
            }
        }
        switch policy.upstreamProtocol.version {
        case .http1:
            client.loop.pool.acquire(
                endpoint: endpoint, tls: upstreamTLS, connectTimeout: policy.connectTimeout, fresh: fresh || requestedUpgrade,
                completion: acquired)
        case .http2:
            guard !requestedUpgrade else {
                client.exchangeFailed(self, .upgradeToHTTP2Upstream(backend: backend.name))
                return
            }
            client.loop.http2Pool.acquire(
                endpoint: endpoint, tls: upstreamTLS, connectTimeout: policy.connectTimeout, fresh: fresh, completion: acquired)
        }
    }

    /// Lets go of a connection the exchange is done with: an HTTP/1.1 connection goes back to the
    /// pool when `reusable` (its response ended cleanly after the whole request), otherwise it
    /// closes; an HTTP/2 stream that ended both ways has closed itself, otherwise it is reset.
    func letGo(_ connection: UpstreamConnection, reusable: Bool) {
        switch connection.transport {
        case .http1 where reusable: client.loop.pool.release(connection)
        case .http2 where reusable: connection.handler.delegate = nil
        case .http1, .http2: connection.close()
        }
    }

    private func upstreamReady(_ connection: UpstreamConnection, reused: Bool) {
        guard let head = upstreamHead else { return }
        upstream = connection
        upstreamReused = reused
        connection.handler.delegate = self
        connection.requestsSent += 1
        if case .http1(let splitter) = connection.transport, !requestedUpgrade, !headRequest {
            splitter.expectResponse(
                RelayPlan(
                    declaredEventStream: policy.declaredEventStream,
                    allowed: clientVersion == .http1_1 && client.relaysChunkedBodies,
                    clientAcceptsEventStream: head.acceptsEventStream,
                    maxTrailerBytes: client.dataPlane.configuration.maxHeaderBytes))
        }
        connection.write(.head(head))
        let pending = self.pending
        self.pending.removeAll()
        for part in pending { send(part, on: connection) }
        connection.flush()
        if streamCounters != nil { requestSentAt = client.loop.now }
        connection.handler.resumeReading()
        touchUpstream()
        client.requestMayFlow()
    }

    /// A connect or TLS handshake that failed: retried on another endpoint as the route's
    /// `RetryPolicy` allows (nothing was sent), else answered `502`. A TLS failure is a
    /// misconfiguration more often than an outage: it gets an error line naming the backend, the
    /// endpoint and BoringSSL's reason.
    private func connectFailed(_ error: any Error) {
        let dataPlane = client.dataPlane
        let endpointText = endpoint.map { "\($0)" } ?? "?"
        let tlsFailure = error as? UpstreamTLSFailure
        if let tlsFailure {
            dataPlane.logger.error(
                "TLS to upstream failed",
                metadata: [
                    "backend": "\(backend.name)", "endpoint": "\(endpointText)",
                    "serverName": "\(upstreamTLS?.settings.serverName ?? "")", "reason": "\(tlsFailure.reason)",
                ])
        } else {
            dataPlane.logger.debug("upstream connect failed", metadata: ["endpoint": "\(endpointText)", "error": "\(error)"])
        }
        let timedOut: Bool
        if case .connectTimeout? = error as? ChannelError { timedOut = true } else { timedOut = false }
        if retried(after: timedOut ? .connectTimeout : .connect) { return }
        client.exchangeFailed(
            self, tlsFailure == nil ? .upstreamUnreachable(backend: backend.name) : .upstreamTLSFailed(backend: backend.name))
    }

    /// A request part from the client: written upstream now (flushed by ``flushUpstream()`` at
    /// the end of the client's read burst), or held until the upstream is ready.
    func forward(_ part: UpstreamRequestPart) {
        if replayBody != nil { keepForReplay(part) }
        if case .end = part { requestEnded = true }
        if servingErrorPage { return }
        guard let upstream else {
            pending.append(part)
            return
        }
        send(part, on: upstream)
        upstreamFlushPending = true
        if case .end = part { touchUpstream() }
    }

    private func send(_ part: UpstreamRequestPart, on upstream: UpstreamConnection) {
        switch part {
        case .body(.byteBuffer(let buffer)): bodyBytesSent += buffer.readableBytes
        case .body(.fileRegion(let region)): bodyBytesSent += region.readableBytes
        case .end:
            requestEndSent = true
            if bodyBytesSent > 0 { streamCounters?.bytesReceived(bodyBytesSent) }
        case .head: break
        }
        upstream.write(part)
    }

    /// Flushes what ``forward(_:)`` wrote upstream; starts the send-timeout clock when the
    /// upstream stops taking request bytes.
    func flushUpstream() {
        guard upstreamFlushPending else { return }
        upstreamFlushPending = false
        guard let upstream else { return }
        upstream.flush()
        if !upstream.channel.isWritable {
            let buffered = upstream.bufferedBytes
            client.loop.metrics.observeUpstreamBuffered(buffered)
            if sendStall == nil {
                sendStall = (since: client.loop.now, buffered: buffered)
                client.exchangeDeadlinesChanged()
            }
        }
    }

    /// The response refused the rest of the request body (an error status came before its end):
    /// the upstream is not waited for any more.
    func uploadRefused() {
        sendStall = nil
    }

    /// Lets go of the upstream connection, closing it (its response will not be read to the end).
    func closeUpstream() {
        upstream?.close()
        upstream = nil
    }
}

