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
        let array = withUnsafeBytes(of: bytes) { Array($0) }
        let high = array[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let low = array[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
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
        let groups = (0..<8).map { index -> String in
            let word = index < 4 ? high >> UInt64(48 - 16 * index) : low >> UInt64(48 - 16 * (index - 4))
            return String(UInt16(truncatingIfNeeded: word), radix: 16)
        }
        return groups.joined(separator: ":")
    }
}
