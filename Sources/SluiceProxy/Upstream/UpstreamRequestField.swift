/// The request fields `UpstreamRequestHead` reads, drops or replaces, told apart by length first
/// so that most fields cost one comparison of a count.
enum UpstreamRequestField: Equatable {
    /// `TE`: hop-by-hop, but `TE: trailers` goes on to an HTTP/2 upstream (RFC 9113 §8.2.2).
    case te
    case host, accept, expect, acceptEncoding, contentLength, transferEncoding, upgrade, connection
    case forwardedFor, realIP, forwardedProto, forwardedHost, forwardedPort, requestID
    /// Any other hop-by-hop field (`Keep-Alive`, `Trailer`, `Proxy-Connection`).
    case otherHopByHop
    case other

    init(_ name: String) {
        // Most fields are none of these: a length no name here has rejects them at once.
        switch name.utf8.count {
        case 2, 4, 6, 7, 9, 10, 12, 14, 15, 16, 17:
            let classified = name.utf8.withContiguousStorageIfAvailable { Self(bytes: $0) }
            self = classified ?? Array(name.utf8).withUnsafeBufferPointer { Self(bytes: $0) }
        default:
            self = .other
        }
    }

    private init(bytes name: UnsafeBufferPointer<UInt8>) {
        func named(_ lowercased: StaticString) -> Bool { HeaderName.matches(name, lowercased) }
        switch name.count {
        case 2 where named("te"): self = .te
        case 4 where named("host"): self = .host
        case 6 where named("accept"): self = .accept
        case 6 where named("expect"): self = .expect
        case 7 where named("upgrade"): self = .upgrade
        case 7 where named("trailer"): self = .otherHopByHop
        case 9 where named("x-real-ip"): self = .realIP
        case 10 where named("connection"): self = .connection
        case 10 where named("keep-alive"): self = .otherHopByHop
        case 12 where named("x-request-id"): self = .requestID
        case 14 where named("content-length"): self = .contentLength
        case 15 where named("x-forwarded-for"): self = .forwardedFor
        case 15 where named("accept-encoding"): self = .acceptEncoding
        case 16 where named("x-forwarded-host"): self = .forwardedHost
        case 16 where named("x-forwarded-port"): self = .forwardedPort
        case 16 where named("proxy-connection"): self = .otherHopByHop
        case 17 where named("x-forwarded-proto"): self = .forwardedProto
        case 17 where named("transfer-encoding"): self = .transferEncoding
        default: self = .other
        }
    }
}
