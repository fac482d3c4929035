import NIOCore

/// The streaming metrics an exchange measures itself (its client counts the request, see
/// `ExchangeMetricsClient`): time from the request sent upstream to the response's first byte,
/// and for an event stream its first bytes and each read burst's delay until the client socket
/// has it.
///
/// Per event, the read's time is the one the idle deadline already reads (`lastUpstreamActivity`);
/// the flush adds one clock read per read burst, not per event.
extension ProxiedExchange {
    /// The client routed the request: its route's counters and when its head arrived.
    func metricsRouted(_ record: ExchangeMetricsRecord?) {
        guard let record else { return }
        streamCounters = record.cell?.shared.streams
        receivedAt = record.startedAt
    }

    /// The response's head arrived (the first byte the upstream sent); an event stream starts.
    func metricsResponseStarted(kind: ResponseKind) {
        guard let counters = streamCounters else { return }
        if let sent = requestSentAt {
            requestSentAt = nil
            counters.observeFirstByte(client.loop.now - sent)
        }
        guard kind == .eventStream else { return }
        firstEventPending = true
        counters.streamOpened(.sse)
        client.exchangeMetrics?.stream = StreamMetricsRecord(counters: counters, kind: .sse, startedAt: receivedAt)
    }

    /// The end of an upstream read burst of a stream, whose first bytes came at `readAt`: they
    /// were handed to the client socket if `flushed`.
    func streamBurstFlushed(readAt: NIODeadline, flushed: Bool) {
        burstReadAt = nil
        guard flushed, let counters = streamCounters else { return }
        let now = client.loop.now
        counters.observeFlushDelay(now - readAt)
        if firstEventPending {
            firstEventPending = false
            counters.observeFirstEvent(now - receivedAt)
        }
    }

    /// A stream record for the tunnel an upgrade becomes, opened now.
    func webSocketStreamOpened() -> StreamMetricsRecord? {
        guard let counters = streamCounters else { return nil }
        counters.streamOpened(.websocket)
        return StreamMetricsRecord(counters: counters, kind: .websocket, startedAt: receivedAt)
    }
}
