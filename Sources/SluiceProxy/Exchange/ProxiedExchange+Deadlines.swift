import NIOCore

/// The deadlines watching an exchange's upstream and, once the response is under way, the
/// client's reading. Activity only moves timestamps; the client's one timer asks
/// ``nextDeadline(clientSendTimeout:)`` when to look, and ``deadlineReached(now:)`` looks.
extension ProxiedExchange {
    /// Whether upstream silence is being timed: once the request is sent or the response started.
    var upstreamClockRunning: Bool {
        requestEndSent || responseKind != nil
    }

    /// The upstream silence allowed now (see `ExchangePolicy.idleTimeout(for:)`).
    var idleTimeout: TimeAmount {
        policy.idleTimeout(for: responseKind)
    }

    /// Records upstream activity (and starts the upstream idle clock once the request is sent or
    /// the response started).
    func touchUpstream() {
        guard upstreamClockRunning else { return }
        lastUpstreamActivity = client.loop.now
        client.exchangeDeadlinesChanged()
    }

    /// The earliest moment something about this exchange must be checked, if any.
    func nextDeadline(clientSendTimeout: Duration) -> NIODeadline? {
        var earliest: NIODeadline?
        if upstreamClockRunning {
            earliest = lastUpstreamActivity + idleTimeout
        }
        if let streamDeadline {
            earliest = min(earliest ?? streamDeadline, streamDeadline)
        }
        if let sendStall {
            let limit = sendStall.since + policy.sendTimeout
            earliest = min(earliest ?? limit, limit)
        }
        if let clientStall {
            let limit = clientStall.since + TimeAmount(clientSendTimeout)
            earliest = min(earliest ?? limit, limit)
        }
        return earliest
    }

    /// The client's timer fired at `now`: the exchange ends if one of its deadlines passed.
    ///
    /// A stream at its `maxStreamDuration` and a client that stopped reading are cut (no
    /// response end: an LLM answer stopped by the cap must not pass for the whole answer; an
    /// `EventSource` reconnects either way), as Envoy resets a stream at its
    /// `max_stream_duration`; a silent or stalled upstream fails the exchange (`504` if no
    /// response started).
    func deadlineReached(now: NIODeadline) {
        let logger = client.dataPlane.logger
        if let streamDeadline, streamDeadline <= now {
            client.exchangeMetrics?.streamEnd = .maxDuration
            client.exchangeCut(self)
        } else if upstreamClockRunning, lastUpstreamActivity + idleTimeout <= now {
            if upstream?.handler.readHeld == true {
                // The proxy is not reading because the client is slow: that silence is not the
                // upstream's, so it does not count against the idle timeout.
                lastUpstreamActivity = now
            } else if responseKind == nil, retried(after: .readTimeout) {
                return
            } else {
                client.exchangeMetrics?.streamEnd = .idleTimeout
                client.exchangeFailed(self, .upstreamTimeout(backend: backend.name))
            }
        } else if let stall = sendStall, stall.since + policy.sendTimeout <= now {
            let buffered = upstream?.bufferedBytes ?? 0
            if buffered < stall.buffered {
                // Slow, but the upstream took some bytes: measure the next stall from here.
                sendStall = (since: now, buffered: buffered)
            } else {
                logger.debug("upstream stopped accepting the request body", metadata: ["backend": "\(backend.name)"])
                client.exchangeFailed(self, .upstreamTimeout(backend: backend.name))
            }
        } else if let stall = clientStall, stall.since + TimeAmount(client.dataPlane.configuration.clientSendTimeout) <= now {
            let buffered = client.responseBufferedBytes
            if buffered < stall.buffered {
                clientStall = (since: now, buffered: buffered)
            } else {
                logger.debug("client stopped reading the response; closing", metadata: ["backend": "\(backend.name)"])
                client.exchangeMetrics?.streamEnd = .clientStalled
                client.exchangeCut(self)
            }
        }
    }
}
