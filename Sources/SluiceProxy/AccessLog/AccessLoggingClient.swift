#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOHTTP1
import SluiceRouting

/// The access log entry of the exchange in progress, filled in as it goes.
struct PendingAccessLogEntry {
    var entry: AccessLogEntry
    let startedAt: NIODeadline
    /// `ClientResponseEncoder.bytesWritten` when the request arrived.
    let bytesBefore: Int
}

extension PendingAccessLogEntry {
    /// Writes the entry, timed from when the request arrived to `now` (the loop's clock).
    mutating func write(to writer: AccessLogWriter, now: NIODeadline) {
        entry.durationSeconds = Double((now - startedAt).nanoseconds) / 1e9
        writer.write(entry)
    }
}

/// An upgraded exchange's access log entry while its tunnel is open (`TunnelGlueHandler`'s client
/// end): its `bytesSent` covers the `101` head; the tunnel adds what it relayed to the client.
struct TunnelAccessLogEntry {
    var pending: PendingAccessLogEntry
    /// The loop's writer: the tunnel's client channel is on the same loop.
    let writer: AccessLogWriter

    /// The tunnel closed, at `now`, after relaying `tunnelBytes` to the client.
    mutating func write(tunnelBytes: Int, now: NIODeadline) {
        pending.entry.bytesSent += tunnelBytes
        pending.write(to: writer, now: now)
    }
}

/// The client end of exchanges that are access-logged (`ProxyConfiguration.accessLog`): an
/// HTTP/1 connection or an HTTP/2 stream. An entry is started when a request head arrives and
/// written once when its exchange ends, however it ends. Callers check `accessLog` first, so
/// that with the log off no argument is even evaluated (per request, on the path
/// `bench/instructions.py` counts).
protocol AccessLoggingClient: AnyObject {
    /// The loop's access log writer (nil: no access log), read once.
    var accessLog: AccessLogWriter? { get }
    /// The access log entry of the exchange in progress (only with an access log).
    var pendingLog: PendingAccessLogEntry? { get set }
    var loop: ProxyLoopContext { get }
    var exchange: ProxiedExchange? { get }
    /// The client's address as logged (`remote_addr`).
    var clientAddress: String? { get }
    /// Response bytes written to the client so far (on the connection, or the stream).
    var responseBytesWritten: Int { get }
}

extension AccessLoggingClient {
    func logRequestStarted(_ head: HTTPRequestHead) {
        startLogEntry(
            method: head.method.rawValue, host: head.headers.first(name: "host"), target: head.uri,
            version: "HTTP/\(head.version.major).\(head.version.minor)", userAgent: head.headers.first(name: "user-agent"))
    }

    func logRouted(_ route: Route, requestID: Substring) {
        pendingLog?.entry.backend = route.backend.name
        pendingLog?.entry.ingress = route.source
        pendingLog?.entry.requestID = String(requestID)
    }

    /// A final response `head` went to the client (from the exchange's endpoint, if it has one),
    /// answering a stream of kind `stream` (nil: as the head and the exchange say).
    func logResponseStarted(_ head: HTTPResponseHead, stream: AccessLogEntry.Stream? = nil) {
        guard pendingLog != nil else { return }
        pendingLog?.entry.status = Int(head.status.code)
        pendingLog?.entry.stream = stream ?? AccessLogEntry.Stream(of: head, kind: exchange?.responseKind)
        if let endpoint = exchange?.endpoint { pendingLog?.entry.upstreamAddress = endpoint.description }
    }

    /// The endpoint the exchange was sent to, when it fails before an answer.
    func logUpstreamTried(_ endpoint: Endpoint?) {
        guard pendingLog != nil, let endpoint else { return }
        pendingLog?.entry.upstreamAddress = endpoint.description
    }

    func logExchangeEnded(_ outcome: AccessLogEntry.Outcome) {
        guard let pending = takeLogEntry() else { return }
        logExchangeEnded(outcome, entry: pending)
    }

    /// Takes the exchange's entry before its last writes, to be written by
    /// ``logExchangeEnded(_:entry:)`` once they were written: a compressed body's last bytes go
    /// out with its end, and the chunked end comes last. Taking it first also
    /// keeps a close those writes cause (`channelInactive`, before they return) from logging the
    /// exchange as the client's.
    func takeLogEntry() -> PendingAccessLogEntry? {
        guard accessLog != nil, let pending = pendingLog else { return nil }
        pendingLog = nil
        return pending
    }

    func logExchangeEnded(_ outcome: AccessLogEntry.Outcome, entry: PendingAccessLogEntry) {
        guard let accessLog else { return }
        var pending = entry
        pending.entry.outcome = outcome
        if pending.entry.status == 0, outcome == .clientClosed { pending.entry.status = 499 }
        pending.entry.bytesSent = responseBytesWritten &- pending.bytesBefore
        pending.write(to: accessLog, now: loop.now)
    }

    /// The upgraded exchange's entry, handed to the tunnel that replaces this handler: it is
    /// written when the tunnel closes, so that a WebSocket's line says how long the session
    /// lasted and what it sent (as nginx logs one), not only that it switched.
    func takeTunnelLogEntry() -> TunnelAccessLogEntry? {
        guard let accessLog, var pending = pendingLog else { return nil }
        pendingLog = nil
        pending.entry.outcome = .upgraded
        pending.entry.bytesSent = responseBytesWritten &- pending.bytesBefore
        return TunnelAccessLogEntry(pending: pending, writer: accessLog)
    }

    /// A request that failed before it had a head the proxy understood (a parse error, a head
    /// that never arrived): logged with what is known.
    func logUnparsedRequest() {
        guard accessLog != nil, pendingLog == nil else { return }
        startLogEntry(method: "-", host: nil, target: "-", version: "-", userAgent: nil)
    }

    private func startLogEntry(method: String, host: String?, target: String, version: String, userAgent: String?) {
        let entry = AccessLogEntry(
            startedAtMilliseconds: Self.wallClockMilliseconds(), clientAddress: clientAddress, requestID: nil,
            method: method, host: host, target: target, version: version, status: 0, bytesSent: 0, durationSeconds: 0,
            upstreamAddress: nil, backend: nil, ingress: nil, userAgent: userAgent, outcome: .complete)
        pendingLog = PendingAccessLogEntry(entry: entry, startedAt: loop.now, bytesBefore: responseBytesWritten)
    }

    private static func wallClockMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}

extension ClientConnectionHandler: AccessLoggingClient {
    var responseBytesWritten: Int { writer.bytesWritten }
}

extension HTTP2StreamHandler: AccessLoggingClient {
    var responseBytesWritten: Int { writer?.bytesWritten ?? 0 }
}
