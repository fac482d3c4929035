import NIOHTTP1

/// One line of the access log: a request as the proxy answered it, written when its exchange
/// ends (for a stream, when the stream ends; for a WebSocket, when it switches protocols).
///
/// The fields are those of ingress-nginx's log format (`$remote_addr`, `$request`, `$status`,
/// `$bytes_sent`, `$request_time`, `$upstream_addr`, `$proxy_upstream_name`, `$req_id`, …) as one
/// JSON object per line, which log pipelines parse without a pattern.
public struct AccessLogEntry: Equatable, Sendable {
    /// How the exchange ended.
    public enum Outcome: String, Sendable {
        /// The response was written whole (an error response included).
        case complete
        /// The proxy ended the response early: a stream at its `max-stream-duration`, a client
        /// that stopped reading, a failure after the response had started.
        case cut
        /// The client closed its connection before the response ended.
        case clientClosed = "client_closed"
        /// `101`: the connection became a tunnel.
        case upgraded
    }

    /// What kind of stream the response was, if it was one.
    public enum Stream: String, Sendable {
        /// An event stream (`text/event-stream`, or a path the route declares).
        case sse
        /// A WebSocket (over HTTP/1.1's upgrade, or an HTTP/2 extended CONNECT).
        case websocket
        /// A gRPC call (`application/grpc…`).
        case grpc
        /// A tunnel for another protocol an upgrade switched to.
        case upgrade
    }

    /// Milliseconds since 1970 when the request head arrived.
    public var startedAtMilliseconds: Int64
    public var clientAddress: String?
    public var requestID: String?
    public var method: String
    public var host: String?
    /// The request target as the client sent it, query included.
    public var target: String
    public var version: String
    /// The final status sent; `499` (nginx's) when the client closed before any was.
    public var status: Int
    /// Bytes written to the client for this exchange, head included.
    public var bytesSent: Int
    /// Seconds from the request head to the end.
    public var durationSeconds: Double
    /// `host:port` of the endpoint that answered, if one was reached.
    public var upstreamAddress: String?
    /// The route's backend (`namespace/service:port`) and the Ingress it came from.
    public var backend: String?
    public var ingress: String?
    public var userAgent: String?
    public var outcome: Outcome
    /// The kind of stream the response was; nil for an ordinary response.
    public var stream: Stream? = nil

    /// The entry as one line of JSON, newline included.
    public func jsonLine() -> String {
        var line = "{\"time\":\"" + Self.iso8601(milliseconds: startedAtMilliseconds) + "\""
        func add(_ key: String, _ value: String?) {
            line += ",\"\(key)\":"
            if let value { Self.appendJSONString(value, to: &line) } else { line += "null" }
        }
        add("remote_addr", clientAddress)
        add("request_id", requestID)
        add("method", method)
        add("host", host)
        add("uri", target)
        add("protocol", version)
        line += ",\"status\":\(status),\"bytes_sent\":\(bytesSent),\"request_time\":"
        line += Self.seconds(durationSeconds)
        add("upstream_addr", upstreamAddress)
        add("backend", backend)
        add("ingress", ingress)
        add("user_agent", userAgent)
        add("outcome", outcome.rawValue)
        add("stream", stream?.rawValue)
        line += "}\n"
        return line
    }

    /// `1.234` (milliseconds, as nginx's `$request_time`).
    static func seconds(_ value: Double) -> String {
        let millis = Int64((max(value, 0) * 1000).rounded())
        let fraction = String(millis % 1000)
        return "\(millis / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    /// `2026-11-22T20:35:01.123Z`, from milliseconds since 1970 (proleptic Gregorian, UTC).
    static func iso8601(milliseconds: Int64) -> String {
        let (days, dayMillis) = milliseconds.quotientAndRemainder(dividingBy: 86_400_000)
        let (day, millisOfDay) = dayMillis < 0 ? (days - 1, dayMillis + 86_400_000) : (days, dayMillis)
        // Days to civil date (Howard Hinnant's algorithm).
        let z = day + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let dayOfMonth = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let seconds = millisOfDay / 1000
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(dayOfMonth, 2))T\(pad(seconds / 3600, 2)):\(pad(seconds / 60 % 60, 2)):"
            + "\(pad(seconds % 60, 2)).\(pad(millisOfDay % 1000, 3))Z"
    }

    /// `value` as a JSON string: quotes, backslashes and control characters escaped.
    static func appendJSONString(_ value: String, to line: inout String) {
        line += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": line += "\\\""
            case "\\": line += "\\\\"
            case "\n": line += "\\n"
            case "\r": line += "\\r"
            case "\t": line += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7f:
                let hex = String(scalar.value, radix: 16)
                line += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: line.unicodeScalars.append(scalar)
            }
        }
        line += "\""
    }
}

extension AccessLogEntry.Stream {
    /// The stream a response `head` starts, of `kind` as the exchange classified it.
    init?(of head: HTTPResponseHead, kind: ResponseKind?) {
        if head.status == .switchingProtocols {
            let upgrade = head.headers.first(name: "upgrade")
            self = upgrade.map { $0.lowercased().contains("websocket") } == true ? .websocket : .upgrade
        } else if kind == .eventStream {
            self = .sse
        } else if kind == .grpc || GRPCErrorResponse.isGRPC(contentType: head.headers.first(name: "content-type")) {
            self = .grpc
        } else {
            return nil
        }
    }
}
