/// What kind of stream a response is, as the `kind` label of the stream metrics.
enum StreamKind: Int, CaseIterable, Sendable {
    case sse, websocket

    var text: String {
        switch self {
        case .sse: "sse"
        case .websocket: "websocket"
        }
    }
}

/// How a stream ended, as the `reason` label of `sluice_streams_ended_total`.
enum StreamEndReason: Int, CaseIterable, Sendable {
    /// The upstream ended it: an event stream's last chunk, a tunnel's upstream closing first.
    case upstreamEnd
    /// The client closed first.
    case clientGone
    /// The client stopped reading for longer than `clientSendTimeout`: the proxy cut it.
    case clientStalled
    /// The upstream was silent for the stream idle timeout.
    case idleTimeout
    /// The route's `max-stream-duration` passed.
    case maxDuration
    /// The proxy was shutting down (the connection, HTTP/1 or HTTP/2, was told to quiesce and
    /// then closed with the stream still open).
    case shutdown
    /// The proxy cut it for another reason (the upstream broke the framing, closed early).
    case error

    var text: String {
        switch self {
        case .upstreamEnd: "upstream_end"
        case .clientGone: "client_gone"
        case .clientStalled: "client_stalled"
        case .idleTimeout: "idle_timeout"
        case .maxDuration: "max_duration"
        case .shutdown: "shutdown"
        case .error: "error"
        }
    }
}
