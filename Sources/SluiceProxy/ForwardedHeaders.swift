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
        // One pass: keep every field this function does not set, note the ones it reads.
        let host = headers.first(name: "host")
        // Collected as pairs and wrapped once: `HTTPHeaders.add` re-checks every name for ASCII
        // (these come from the parser or from here, and are).
        var result: [(String, String)] = []
        result.reserveCapacity(headers.count + 6)
        var forwardedFor: [Substring] = []
        var requestIDs: [Substring] = []
        for (name, value) in headers {
            switch Field(name) {
            case .forwardedFor where facts.clientIP != nil:
                forwardedFor += value.split(separator: ",").map { $0.trimmingSpaces() }
                continue
            case .realIP where facts.clientIP != nil, .forwardedPort where facts.localPort != nil,
                .forwardedHost where host != nil, .forwardedProto:
                continue
            case .requestID:
                requestIDs += value.split(separator: ",").map { $0.trimmingSpaces() }
                continue
            default:
                result.append((name, value))
            }
        }
        if let ip = facts.clientIP {
            let chain = forwardedFor.isEmpty ? ip : (forwardedFor + [Substring(ip)]).joined(separator: ", ")
            result.append(("X-Forwarded-For", chain))
            result.append(("X-Real-IP", ip))
        }
        result.append(("X-Forwarded-Proto", facts.proto))
        if let host {
            result.append(("X-Forwarded-Host", host))
        }
        if let port = facts.localPort {
            result.append(("X-Forwarded-Port", String(port)))
        }
        if requestIDs.count == 1, isSaneRequestID(requestIDs[0]) {
            result.append(("X-Request-ID", String(requestIDs[0])))
        } else {
            result.append(("X-Request-ID", generatedRequestID()))
        }
        return HTTPHeaders(result)
    }

    /// The fields `applying` reads or sets.
    private enum Field: Equatable {
        case forwardedFor, realIP, forwardedProto, forwardedHost, forwardedPort, requestID, other

        init(_ name: String) {
            switch name.utf8.count {
            case 9 where HeaderName.matches(name, "x-real-ip"): self = .realIP
            case 12 where HeaderName.matches(name, "x-request-id"): self = .requestID
            case 15 where HeaderName.matches(name, "x-forwarded-for"): self = .forwardedFor
            case 16 where HeaderName.matches(name, "x-forwarded-host"): self = .forwardedHost
            case 16 where HeaderName.matches(name, "x-forwarded-port"): self = .forwardedPort
            case 17 where HeaderName.matches(name, "x-forwarded-proto"): self = .forwardedProto
            default: self = .other
            }
        }
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
        RequestIDGenerator.hex(generator.next(), generator.next())
    }

    /// A request id from the system's random source (one system call; the proxy uses a
    /// per-event-loop `RequestIDGenerator` instead).
    public static func randomRequestID() -> String {
        var generator = SystemRandomNumberGenerator()
        return randomRequestID(using: &generator)
    }
}
