import NIOHTTP1

/// What the proxy knows about the client side of a request, for the `X-Forwarded-*` fields.
public struct ClientConnectionFacts: Sendable, Hashable {
    /// The client's IP address, when the socket has one.
    public var clientIP: String?
    /// The port the client connected to (the proxy's listener port).
    public var localPort: Int?
    /// `http` or `https`.
    public var proto: String

    public init(clientIP: String?, localPort: Int?, proto: String) {
        self.clientIP = clientIP
        self.localPort = localPort
        self.proto = proto
    }
}

/// Adds the forwarding fields upstreams expect: `X-Forwarded-For` (appended to), `X-Real-IP`,
/// `X-Forwarded-Proto`, `X-Forwarded-Host`, `X-Forwarded-Port` and `X-Request-ID` (kept when the
/// client sent a sane one, otherwise generated).
public enum ForwardedHeaders {
    /// Returns `headers` with the forwarding fields set. `generatedRequestID` is used only when
    /// the client sent no acceptable `X-Request-ID`.
    public static func applying(
        to headers: HTTPHeaders,
        facts: ClientConnectionFacts,
        generatedRequestID: @autoclosure () -> String
    ) -> HTTPHeaders {
        var result = headers
        if let ip = facts.clientIP {
            let previous = result[canonicalForm: "x-forwarded-for"].map(String.init)
            result.replaceOrAdd(name: "X-Forwarded-For", value: (previous + [ip]).joined(separator: ", "))
            result.replaceOrAdd(name: "X-Real-IP", value: ip)
        }
        result.replaceOrAdd(name: "X-Forwarded-Proto", value: facts.proto)
        if let host = result.first(name: "host") {
            result.replaceOrAdd(name: "X-Forwarded-Host", value: host)
        }
        if let port = facts.localPort {
            result.replaceOrAdd(name: "X-Forwarded-Port", value: String(port))
        }
        let incoming = result[canonicalForm: "x-request-id"]
        if incoming.count == 1, isSaneRequestID(incoming[0]) {
            result.replaceOrAdd(name: "X-Request-ID", value: String(incoming[0]))
        } else {
            result.replaceOrAdd(name: "X-Request-ID", value: generatedRequestID())
        }
        return result
    }

    /// 1 to 128 characters of letters, digits, `-`, `_`, `.`, `:`, `=`, `+`, `/`.
    public static func isSaneRequestID(_ value: Substring) -> Bool {
        guard (1...128).contains(value.utf8.count) else { return false }
        return value.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"):
                return true
            case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":"),
                UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "/"):
                return true
            default:
                return false
            }
        }
    }

    /// A random request id: 32 lowercase hex digits.
    public static func randomRequestID<G: RandomNumberGenerator>(using generator: inout G) -> String {
        let high = UInt64.random(in: .min ... .max, using: &generator)
        let low = UInt64.random(in: .min ... .max, using: &generator)
        return hex16(high) + hex16(low)
    }

    public static func randomRequestID() -> String {
        var generator = SystemRandomNumberGenerator()
        return randomRequestID(using: &generator)
    }

    private static func hex16(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
