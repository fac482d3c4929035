#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import SluiceRouting

extension SocketAddress {
    /// The IP address as text, as `ipAddress` gives it, for `X-Forwarded-For`/`X-Real-IP`.
    /// IPv4 is formatted here: `ipAddress` goes through `inet_ntop` and its `sprintf`, which
    /// showed up in the cost of every connection. Other families use `ipAddress`.
    var clientIPText: String? {
        guard case .v4(let address) = self else { return ipAddress }
        return Self.dottedQuad(UInt32(bigEndian: address.address.sin_addr.s_addr))
    }

    /// The IP address, for allow and deny lists (nil: not an IP socket).
    var clientIPAddress: IPAddress? {
        switch self {
        case .v4(let address): return IPAddress(ipv4: UInt32(bigEndian: address.address.sin_addr.s_addr))
        case .v6(let address):
            #if canImport(Glibc)
            return IPAddress(ipv6: address.address.sin6_addr.__in6_u.__u6_addr8)
            #else
            return IPAddress(ipv6: address.address.sin6_addr.__u6_addr.__u6_addr8)
            #endif
        default: return nil
        }
    }

    /// `value` (host byte order) as `a.b.c.d`, in decimal without leading zeros.
    static func dottedQuad(_ value: UInt32) -> String {
        String(unsafeUninitializedCapacity: 15) { out in
            var at = 0
            for shift in stride(from: 24, through: 0, by: -8) {
                let octet = UInt8(truncatingIfNeeded: value >> UInt32(shift))
                if octet >= 100 {
                    out[at] = UInt8(ascii: "0") + octet / 100
                    at += 1
                }
                if octet >= 10 {
                    out[at] = UInt8(ascii: "0") + octet / 10 % 10
                    at += 1
                }
                out[at] = UInt8(ascii: "0") + octet % 10
                at += 1
                if shift > 0 {
                    out[at] = UInt8(ascii: ".")
                    at += 1
                }
            }
            return at
        }
    }
}
