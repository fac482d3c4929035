/// What the transport saw of one response: its head, when things happened, and the events framed
/// from its body as the pieces arrived. Times are offsets from the moment the probe started the
/// request (as curl's `-w time_*` values are).
public struct ProbeRecording: Sendable, Hashable {
    public var response: ProbeResponseHead
    public var timings: ProbeTimings
    /// Every complete event, in arrival order.
    public var events: [ReceivedEvent]
    /// Body bytes received (after any content coding was decoded).
    public var bodyBytes: Int
    /// Bytes after the last complete event (an event the stream never finished).
    public var incompleteEventBytes: Int
    public var end: ProbeEnd
    /// The address connected to, as curl reports it.
    public var remoteAddress: String?
    public var redirects: Int

    public init(
        response: ProbeResponseHead, timings: ProbeTimings, events: [ReceivedEvent], bodyBytes: Int,
        incompleteEventBytes: Int = 0, end: ProbeEnd, remoteAddress: String? = nil, redirects: Int = 0
    ) {
        self.response = response
        self.timings = timings
        self.events = events
        self.bodyBytes = bodyBytes
        self.incompleteEventBytes = incompleteEventBytes
        self.end = end
        self.remoteAddress = remoteAddress
        self.redirects = redirects
    }
}

/// The status line and fields of the response probed (the last one, after redirects).
public struct ProbeResponseHead: Sendable, Hashable {
    public var status: Int
    /// `1.0`, `1.1`, `2` or `3`.
    public var httpVersion: String
    public var headers: [ProbeHeaderField]

    public init(status: Int, httpVersion: String, headers: [ProbeHeaderField]) {
        self.status = status
        self.httpVersion = httpVersion
        self.headers = headers
    }

    /// The values of the fields named `name` (case-insensitive), in order.
    public func values(_ name: String) -> [String] {
        headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }
}

public struct ProbeHeaderField: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// When each step of the exchange was done, from the start of the request; nil for a step that
/// did not happen (no TLS over plain HTTP).
public struct ProbeTimings: Sendable, Hashable {
    public var connected: Duration?
    public var tlsDone: Duration?
    /// The first byte of the response head.
    public var firstByte: Duration?
    /// When the probe stopped receiving (the response ended, or a limit cut it).
    public var total: Duration

    public init(connected: Duration? = nil, tlsDone: Duration? = nil, firstByte: Duration? = nil, total: Duration) {
        self.connected = connected
        self.tlsDone = tlsDone
        self.firstByte = firstByte
        self.total = total
    }
}

/// How the response ended.
public enum ProbeEnd: Sendable, Hashable {
    /// The server ended the response.
    case complete
    /// `--max-time` was reached: the probe stopped reading (an endless stream ends so).
    case maxTime
    /// The server was silent for `--timeout` after the response began.
    case idleTimeout
    /// The connection failed after the response began (a reset, broken framing).
    case broken(String)

    /// The name in reports and JSON.
    public var name: String {
        switch self {
        case .complete: "complete"
        case .maxTime: "max-time"
        case .idleTimeout: "idle-timeout"
        case .broken: "broken"
        }
    }
}

/// The probe got no response: refused, unresolvable, TLS failure, silence before any response.
public struct ProbeConnectionError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
