import NIOCore
import SluiceRouting

/// The one way a failed attempt goes to another endpoint (a failed connect, a connection that
/// broke or timed out before its response head, a response head whose status the route retries):
/// `RetryDecision` decides, and the request's head and kept body (`replayBody`) go to an endpoint
/// not tried yet. Per request: nothing here runs for an attempt that did not fail.
extension ProxiedExchange {
    /// Sends the request to another endpoint after `failure` when the route's `RetryPolicy` and
    /// the request allow it; false: the caller answers the failure as before.
    func retried(after failure: UpstreamFailure) -> Bool {
        client.loop.metrics.upstreamFailed(failure)
        guard client.dataPlane.configuration.retriesFailedAttempts, upstreamHead != nil, let failed = endpoint else {
            return false
        }
        let next = EndpointChoice.untried(after: failed, tried: triedEndpoints, in: backend.endpoints)
        let now = client.loop.now
        let facts = RetryDecision.Attempt(
            attempts: attempts, idempotent: idempotent, bodyReplayable: bodyReplayable,
            clientReceivedResponse: responseKind != nil || interimForwarded,
            elapsed: firstAttemptAt.map { .nanoseconds((now - $0).nanoseconds) } ?? .zero, untriedEndpointLeft: next != nil)
        guard let next, RetryDecision.retries(failure, policy: policy.retry, attempt: facts) else { return false }
        client.dataPlane.logger.debug(
            "retrying on another endpoint",
            metadata: ["backend": "\(backend.name)", "endpoint": "\(failed)", "next": "\(next)", "failure": "\(failure)"])
        triedEndpoints.append(failed)
        if let connection = upstream {
            // The request reached this connection: its response (if any) is dropped, and what
            // was sent goes again.
            upstream = nil
            connection.handler.delegate = nil
            connection.close()
            pending = replayParts
            bodyBytesSent = 0
            requestEndSent = false
        }
        sendStall = nil
        upstreamReusable = false
        requestSentAt = nil
        client.loop.metrics.upstreamRetried()
        loadSlot = client.loop.balancer.slot(for: next, replacing: loadSlot, at: now.uptimeNanoseconds)
        if let sticky = stickyOnFailure { movedSticky(sticky, to: next) }
        attempt(endpoint: next, fresh: false)
        return true
    }

    /// What goes upstream again after the head when the request is replayed: the kept body and
    /// the end if it came (an error page's request: just its end).
    var replayParts: [UpstreamRequestPart] {
        if servingErrorPage { return [.end(nil)] }
        return (replayBody ?? []) + (requestEnded ? [.end(nil)] : [])
    }

    /// Keeps a forwarded request part for a replay, while the body stays within
    /// `RetryDecision.maxReplayBodyBytes` (buffers are shared, not copied); a file region or
    /// trailers can't be replayed from here.
    func keepForReplay(_ part: UpstreamRequestPart) {
        switch part {
        case .body(.byteBuffer(let buffer)):
            replayBodyBytes += buffer.readableBytes
            if replayBodyBytes > RetryDecision.maxReplayBodyBytes {
                replayBody = nil
            } else {
                replayBody?.append(part)
            }
        case .body(.fileRegion), .end(.some):
            replayBody = nil
        case .end(nil), .head:
            break
        }
    }
}
