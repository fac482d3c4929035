import NIOHTTP1
import SluiceRouting

/// What the proxy knows about the client side of a request, for the `X-Forwarded-*` fields.
public struct ClientConnectionFacts: Sendable, Hashable {
    /// The client's IP address, when the socket has one.
    public let clientIP: String?
    /// The port the client connected to (the proxy's listener port).
    public let localPort: Int?
    /// `localPort` in decimal, formatted once per connection rather than per request.
    let localPortText: String?
    /// `http` or `https`.
    public let proto: String
    /// The peer's address (the client's, unless it is a trusted proxy), for allow and deny lists.
    public let clientAddress: IPAddress?
    /// `--trusted-proxy-cidrs`, when the peer is in them (empty otherwise): its
    /// `X-Forwarded-For` and `X-Forwarded-Proto` are believed (`RealClientAddress`).
    public let trustedProxies: [AddressRange]
    /// What the TLS handshake established of the client's certificate (nil: it asked for none).
    public let clientCertificate: ClientCertificateFacts?

    /// - Parameter trustedProxies: `--trusted-proxy-cidrs`; kept only if the peer is in them.
    public init(
        clientIP: String?, localPort: Int?, proto: String, clientAddress: IPAddress? = nil,
        trustedProxies: [AddressRange] = [], clientCertificate: ClientCertificateFacts? = nil
    ) {
        self.clientCertificate = clientCertificate
        self.clientIP = clientIP
        self.clientAddress = clientAddress
        self.trustedProxies =
            clientAddress.map { peer in trustedProxies.contains { $0.contains(peer) } } == true ? trustedProxies : []
        self.localPort = localPort
        self.localPortText = localPort.map { String($0) }
        self.proto = proto
    }

    /// The peer is a trusted proxy: what it says of the client is believed.
    public var trustsForwarding: Bool { !trustedProxies.isEmpty }
}

/// The forwarding fields' values that `UpstreamRequestHead` writes: `X-Request-ID`s it keeps
/// and the ones it generates.
public enum ForwardedHeaders {
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
