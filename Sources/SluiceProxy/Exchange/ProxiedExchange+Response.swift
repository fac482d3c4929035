import NIOCore
import NIOHTTP1
import SluiceRouting

/// What the upstream connection reports to its exchange: response parts (written to the client
/// as they arrive and flushed at the end of each upstream read burst), writability for upload
/// backpressure, the upstream closing, and `101` for a tunnel.
extension ProxiedExchange: UpstreamResponseDelegate {
    func upstreamWritabilityChanged(_ connection: UpstreamConnection) {
        guard connection.channel.isWritable else { return }
        sendStall = nil
        client.requestMayFlow()
    }

    func upstream(_ connection: UpstreamConnection, received part: HTTPClientResponsePart) {
        guard upstream === connection, client.isOpen else {
            connection.close()
            return
        }
        switch part {
        case .head(let head) where head.status.code < 200 && head.status != .switchingProtocols:
            forwardInterim(head)
        case .head(let head) where head.status == .switchingProtocols:
            guard requestedUpgrade else {
                // Relayed, it would leave the client reading the new protocol's bytes as HTTP.
                client.dataPlane.logger.warning(
                    "upstream switched protocols on a request that did not ask to upgrade",
                    metadata: ["backend": "\(backend.name)"])
                client.exchangeFailed(self, .upstreamInvalidResponse(backend: backend.name))
                return
            }
            upgradeHead = head
            responseStarted(kind: .upgrade)
        case .head(let head):
            responseHeadReceived(head)
        case .body(let buffer):
            guard upgradeHead == nil else { return }
            lastUpstreamActivity = client.loop.now
            if responseKind == .eventStream, burstReadAt == nil { burstReadAt = lastUpstreamActivity }
            client.writeResponseBody(buffer)
        case .end(let trailers):
            if let upgradeHead {
                client.upgraded(self, connection: connection, head: upgradeHead)
                return
            }
            upstream = nil
            letGo(connection, reusable: upstreamReusable && requestEndSent)
            let readAt = burstReadAt
            client.responseEnded(self, trailers: trailers)
            // The response's end flushed the burst's last bytes.
            if let readAt { streamBurstFlushed(readAt: readAt, flushed: true) }
        }
    }

    private func responseHeadReceived(_ head: HTTPResponseHead) {
        let status = Int(head.status.code)
        if policy.retry.retries(status: status), retried(after: .status(status)) { return }
        if let makeHead = errorPageHead, let pages = policy.errorPages,
            ErrorPageDecision.replaces(status: status, pages: pages, clientReceivedResponse: interimForwarded)
        {
            serveErrorPage(pages, head: makeHead, status: status)
            return
        }
        let kind = ClientResponseHead.kind(
            of: head, declaredEventStream: policy.declaredEventStream, requestedUpgrade: requestedUpgrade,
            grpc: policy.upstreamProtocol.grpc)
        responseStarted(kind: kind)
        upstreamReusable = head.isKeepAlive && !requestedUpgrade
        let compression = policy.compression(of: head, kind: kind, clientVersion: clientVersion)
        let mustClose = requestedUpgrade || ClientResponseHead.needsCloseDelimiting(head, clientVersion: clientVersion)
        let close = client.responseHeadStarts(status: head.status, mustClose: mustClose)
        let clientHead = ClientResponseHead.make(from: head, plan: headPlan(kind: kind, closeClient: close, status: head.status))
        client.writeResponseHead(clientHead, compression: compression)
        responseHeadWritten(kind: kind)
    }

    /// An event stream whose body the splitter relays as the upstream chunked it (its
    /// `RelayPlan`, made in `upstreamReady`, decided): the head goes to the client, and the body
    /// follows as ``upstream(_:relayed:)``.
    func upstream(_ connection: UpstreamConnection, relayStarted head: ChunkedResponseHead) {
        guard upstream === connection, client.isOpen else {
            connection.close()
            return
        }
        responseStarted(kind: .eventStream)
        upstreamReusable = head.upstreamKeepsAlive
        client.loop.metrics.eventStreamRelayed()
        let close = client.responseHeadStarts(status: head.status, mustClose: false)
        client.writeRelayedHead(head, plan: headPlan(kind: .eventStream, closeClient: close, status: head.status))
        responseHeadWritten(kind: .eventStream)
    }

    /// After a response head went to the client: the stream's duration cap armed (an event
    /// stream's, a gRPC call's; a tunnel's is its splice's), and the idle limit reset (it may have
    /// changed with the kind).
    private func responseHeadWritten(kind: ResponseKind) {
        if kind != .upgrade, let cap = policy.lifetimeCap(for: kind) {
            streamDeadline = client.loop.now + cap
        }
        touchUpstream()
    }

    func upstream(_ connection: UpstreamConnection, relayed bytes: ByteBuffer) {
        guard upstream === connection, client.isOpen else {
            connection.close()
            return
        }
        lastUpstreamActivity = client.loop.now
        if burstReadAt == nil { burstReadAt = lastUpstreamActivity }
        client.writeRelayed(bytes)
    }

    func upstreamRelayOverran(_ connection: UpstreamConnection) {
        guard upstream === connection else { return }
        upstreamReusable = false
    }

    func upstream(_ connection: UpstreamConnection, relayFailed failure: ChunkedBodyScanner.Failure) {
        guard upstream === connection else {
            connection.close()
            return
        }
        client.dataPlane.logger.warning(
            "upstream broke the chunked framing of an event stream; closing the stream",
            metadata: ["backend": "\(backend.name)", "error": "\(failure)"])
        client.exchangeFailed(self, .upstreamClosed(backend: backend.name))
    }

    /// An interim (1xx) response other than `101` (`103 Early Hints`, `102 Processing`, ...) is
    /// forwarded without its hop-by-hop fields, as RFC 9110 §15.2 asks of a proxy, to HTTP/1.1
    /// clients; an HTTP/1.0 client gets none (it would take one for the final response). A
    /// `100 Continue` is not: the proxy answered the client's `Expect` itself.
    private func forwardInterim(_ head: HTTPResponseHead) {
        touchUpstream()
        guard head.status != .continue, (clientVersion.major, clientVersion.minor) >= (1, 1) else { return }
        interimForwarded = true
        let interim = HTTPResponseHead(
            version: clientVersion, status: ClientResponseHead.interimStatus(head.status),
            headers: HopByHopHeaders.removing(from: head.headers))
        client.writeResponseHead(interim, compression: .off)
    }

    /// The end of an upstream read burst: what it brought goes to the client in one flush, and
    /// the upstream is read no further while the client does not take it (unless the policy
    /// buffers for a slow client).
    func upstreamReadComplete(_ connection: UpstreamConnection) {
        let flushed = client.flushResponse()
        if let readAt = burstReadAt { streamBurstFlushed(readAt: readAt, flushed: flushed) }
        guard flushed, !client.responseIsWritable else { return }
        let buffered = client.responseBufferedBytes
        client.loop.metrics.observeClientBuffered(buffered)
        guard !clientMayBuffer(buffered) else { return }
        connection.handler.pauseReading()
        if clientStall == nil {
            // From here the client has `clientSendTimeout` to take some of what it was sent.
            clientStall = (since: client.loop.now, buffered: buffered)
            client.exchangeDeadlinesChanged()
        }
    }

    /// Whether the upstream may still be read while the client is not writable: only for an
    /// ordinary response on a buffering route, up to `maxBufferedResponseBytes` held for the
    /// client (nginx's `proxy_buffering on`: the upstream finishes early and its connection goes
    /// back to the pool).
    private func clientMayBuffer(_ buffered: Int) -> Bool {
        policy.buffersForSlowClient(
            kind: responseKind, buffered: buffered, limit: client.dataPlane.configuration.maxBufferedResponseBytes)
    }

    /// The client takes bytes again: the upstream is read again.
    func clientBecameWritable() {
        clientStall = nil
        // The upstream's idle clock restarts when the proxy reads it again.
        if upstream?.handler.readHeld == true { touchUpstream() }
        upstream?.handler.resumeReading()
    }

    func upstreamClosed(_ connection: UpstreamConnection) {
        guard upstream === connection else { return }
        upstream = nil
        _ = client.flushResponse()
        if responseKind == nil, upstreamReused, isReplayable, attempts < 3, let endpoint {
            // A pooled connection the upstream had already closed: replay on a fresh one.
            pending = replayParts
            bodyBytesSent = 0
            requestEndSent = false
            client.loop.metrics.upstreamRetried()
            attempt(endpoint: endpoint, fresh: true)
            return
        }
        if responseKind == nil, retried(after: .closedBeforeResponse) { return }
        client.exchangeFailed(self, .upstreamClosed(backend: backend.name))
    }
}
