import NIOHTTP1

/// Why a request head is refused before routing, and what the client is told.
public struct RequestRejection: Error, Hashable, Sendable {
    public var status: HTTPResponseStatus
    public var reason: String

    public init(status: HTTPResponseStatus, reason: String) {
        self.status = status
        self.reason = reason
    }
}

/// Checks a decoded request head for framing ambiguities that enable request smuggling and for
/// limits. Pure; the connection is closed after any rejection.
///
/// NIO's parser (llhttp, strict mode) already refuses most of these; this is the second line that
/// does not depend on parser leniency flags.
public enum RequestHeadValidator {
    public static func validate(_ head: HTTPRequestHead, maxHeaderBytes: Int) -> RequestRejection? {
        if headBytes(head) > maxHeaderBytes {
            return RequestRejection(status: .requestHeaderFieldsTooLarge, reason: "request header fields too large")
        }
        let transferEncodings = head.headers["transfer-encoding"]
        let contentLengths = head.headers["content-length"]
        if !transferEncodings.isEmpty {
            // RFC 9112 §6.1: an HTTP/1.0 message with Transfer-Encoding has faulty framing (a
            // front proxy that reads it as HTTP/1.0 may frame it by the close instead).
            if head.version.major == 1, head.version.minor == 0 {
                return RequestRejection(status: .badRequest, reason: "Transfer-Encoding in an HTTP/1.0 request")
            }
            if !contentLengths.isEmpty {
                return RequestRejection(status: .badRequest, reason: "both Content-Length and Transfer-Encoding")
            }
            let codings = transferEncodings.flatMap { $0.split(separator: ",") }
                .map { $0.trimmingSpaces().lowercased() }
            if codings != ["chunked"] {
                return RequestRejection(status: .badRequest, reason: "unsupported Transfer-Encoding")
            }
        }
        if !contentLengths.isEmpty {
            let values = Set(contentLengths.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
                .map { String($0.trimmingSpaces()) })
            guard values.count == 1, let only = values.first, isDecimal(only) else {
                return RequestRejection(status: .badRequest, reason: "invalid Content-Length")
            }
        }
        if hasDotSegment(head.uri) {
            return RequestRejection(status: .badRequest, reason: "path has a dot segment (. or ..)")
        }
        if head.method.isCONNECT {
            return RequestRejection(status: .methodNotAllowed, reason: "CONNECT is not supported by this reverse proxy")
        }
        // TRACE echoes the request as the upstream received it, cookies and the proxy's own
        // fields included (cross-site tracing); nginx answers it 405 too. (With a body it would
        // also be a smuggling vector: NIO's request encoder writes a TRACE body unframed.)
        if head.method.isTRACE {
            return RequestRejection(status: .methodNotAllowed, reason: "TRACE is not allowed")
        }
        let hosts = head.headers.reduce(0) { count, field in HeaderName.matches(field.name, "host") ? count + 1 : count }
        if head.version.major == 1, head.version.minor >= 1, hosts == 0 {
            return RequestRejection(status: .badRequest, reason: "missing Host header")
        }
        if hosts > 1 {
            return RequestRejection(status: .badRequest, reason: "multiple Host headers")
        }
        return nil
    }

    /// Whether the path of a request target has a `.` or `..` segment, literally or
    /// percent-encoded (`%2e`). Clients remove dot segments before sending (RFC 3986 §5.2.4);
    /// one that arrives anyway would be matched against the routing table as written
    /// (`/public/../admin` under `/public`) and then resolved by the upstream to another path.
    static func hasDotSegment(_ uri: String) -> Bool {
        let bytes = uri.utf8
        var index = bytes.startIndex
        var segmentLength = 0
        var onlyDots = true
        while index < bytes.endIndex {
            var byte = bytes[index]
            if byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#") { break }
            let next = bytes.index(after: index)
            if byte == UInt8(ascii: "%"), let second = bytes.index(next, offsetBy: 1, limitedBy: bytes.endIndex),
                second < bytes.endIndex, bytes[next] == UInt8(ascii: "2"),
                bytes[second] == UInt8(ascii: "e") || bytes[second] == UInt8(ascii: "E")
            {
                byte = UInt8(ascii: ".")
                index = bytes.index(after: second)
            } else {
                index = next
            }
            if byte == UInt8(ascii: "/") {
                if onlyDots, (1...2).contains(segmentLength) { return true }
                segmentLength = 0
                onlyDots = true
            } else {
                segmentLength += 1
                if byte != UInt8(ascii: ".") { onlyDots = false }
            }
        }
        return onlyDots && (1...2).contains(segmentLength)
    }

    /// Approximate size of the head on the wire: request line plus `name: value\r\n` per field.
    static func headBytes(_ head: HTTPRequestHead) -> Int {
        var total = head.method.rawValue.utf8.count + head.uri.utf8.count + 12
        for (name, value) in head.headers {
            total += name.utf8.count + value.utf8.count + 4
        }
        return total
    }

    private static func isDecimal(_ value: String) -> Bool {
        !value.isEmpty && value.utf8.count <= 18 && value.utf8.allSatisfy { (48...57).contains($0) }
    }
}

extension StringProtocol {
    /// `self` without leading and trailing spaces and tabs (compared as bytes, no grapheme work).
    func trimmingSpaces() -> Substring {
        var s = Substring(self)
        while let f = s.utf8.first, f == UInt8(ascii: " ") || f == UInt8(ascii: "\t") {
            s = s[s.utf8.index(after: s.startIndex)...]
        }
        while let l = s.utf8.last, l == UInt8(ascii: " ") || l == UInt8(ascii: "\t") {
            s = s[..<s.utf8.index(before: s.endIndex)]
        }
        return s
    }
}
