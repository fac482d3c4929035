#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address as 128 bits and its family. An IPv4-mapped IPv6 address
/// (`::ffff:a.b.c.d`, what a dual-stack socket reports for an IPv4 client) is the IPv4 address:
/// allow and deny lists judge it by its IPv4 ranges, as nginx does.
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    public let high: UInt64
    public let low: UInt64
    public let isIPv4: Bool

    /// An IPv4 address, host byte order.
    public init(ipv4: UInt32) {
        high = 0
        low = 0xFFFF_0000_0000 | UInt64(ipv4)
        isIPv4 = true
    }

    /// An IPv6 address from its 16 bytes, network order (an IPv4-mapped one becomes IPv4).
    public init(ipv6 bytes: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8)) {
        // Read in place: one per IPv6 connection, no array.
        let (high, low) = withUnsafeBytes(of: bytes) { raw in
            (raw[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }, raw[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        }
        self.high = high
        self.low = low
        self.isIPv4 = high == 0 && low >> 32 == 0xFFFF
    }

    /// Parses dotted-quad IPv4 or RFC 4291 IPv6 text (no zone, no brackets).
    public init?(_ text: String) {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            self.init(ipv4: UInt32(bigEndian: v4.s_addr))
            return
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        #if canImport(Glibc)
        self.init(ipv6: v6.__in6_u.__u6_addr8)
        #else
        self.init(ipv6: v6.__u6_addr.__u6_addr8)
        #endif
    }

    public var description: String {
        if isIPv4 {
            let v = UInt32(truncatingIfNeeded: low)
            return "\(v >> 24).\(v >> 16 & 0xFF).\(v >> 8 & 0xFF).\(v & 0xFF)"
        }
        // inet_ntop: RFC 5952's compressed form (`2001:db8::1`).
        var raw = in6_addr()
        withUnsafeMutableBytes(of: &raw) { out in
            for index in 0..<8 {
                out[index] = UInt8(truncatingIfNeeded: high >> UInt64(56 - 8 * index))
                out[8 + index] = UInt8(truncatingIfNeeded: low >> UInt64(56 - 8 * index))
            }
        }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &raw, &text, socklen_t(text.count)) != nil else { return "::" }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
