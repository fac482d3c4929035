/// The `Host` field as the proxy routes by it: `uri-host [ ":" port ]` (RFC 9110 §7.2).
enum HostFieldValue {
    /// `value` without the spaces and tabs around it, or nil when the rest is no
    /// `uri-host [ ":" port ]`.
    ///
    /// Surrounding whitespace is not part of a field value (RFC 9110 §5.5), and the upstream
    /// strips it too: routing by `restricted.example␠` would pick another Ingress's rules than
    /// the host the upstream then serves. The host is a reg-name or IPv4 address (unreserved,
    /// percent-encoded and sub-delims bytes, RFC 3986 §3.2.2) or an IP literal in brackets; the
    /// port is digits. An empty value is allowed (RFC 9112 §3.2: a target with no authority).
    static func routingHost(_ value: Substring) -> Substring? {
        let trimmed = value.trimmingSpaces()
        let valid =
            trimmed.utf8.withContiguousStorageIfAvailable(isHostAndPort)
            ?? Array(trimmed.utf8).withUnsafeBufferPointer(isHostAndPort)
        return valid ? trimmed : nil
    }

    /// Reads the bytes in place (a native string's always are contiguous): the check runs once
    /// per request, so it allocates nothing, and indexes bytes rather than a `String` view.
    private static func isHostAndPort(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        if bytes.first == UInt8(ascii: "[") {
            guard let close = bytes[1...].firstIndex(of: UInt8(ascii: "]")), close > 1,
                bytes[1..<close].allSatisfy({ isHexDigit($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") })
            else { return false }
            index = close + 1
        } else {
            while index < bytes.count, isRegNameByte(bytes[index]) { index += 1 }
        }
        guard index < bytes.count else { return true }
        guard bytes[index] == UInt8(ascii: ":") else { return false }
        return bytes[(index + 1)...].allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "f"))
    }

    /// unreserved / pct-encoded ("%") / sub-delims (RFC 3986 §2).
    private static func isRegNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "%"),
            UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("),
            UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"),
            UInt8(ascii: "="):
            return true
        default:
            return false
        }
    }
}
