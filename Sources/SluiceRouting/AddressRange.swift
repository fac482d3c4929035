/// A CIDR range (`10.0.0.0/8`, `2001:db8::/32`), or one address (`/32`, `/128`). An IPv4 range
/// matches IPv4 clients only and an IPv6 range IPv6 clients only, as in nginx's `allow`/`deny`.
public struct AddressRange: Hashable, Sendable, CustomStringConvertible {
    public let network: IPAddress
    /// Bits of the family's address that must match (0...32 for IPv4, 0...128 for IPv6).
    public let prefixLength: Int

    /// Parses `address` or `address/prefix`; nil for anything else (host bits set are allowed and
    /// ignored, as nginx does).
    public init?(_ text: Substring) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let address = IPAddress(String(parts[0])) else { return nil }
        let width = address.isIPv4 ? 32 : 128
        var length = width
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].utf8.allSatisfy({ (48...57).contains($0) }), parts[1].count <= 3,
                let parsed = Int(parts[1]), parsed <= width
            else { return nil }
            length = parsed
        }
        self.network = address
        self.prefixLength = length
    }

    public func contains(_ address: IPAddress) -> Bool {
        guard address.isIPv4 == network.isIPv4 else { return false }
        // IPv4 addresses sit in the low 32 bits of their mapped form.
        let bits = network.isIPv4 ? 96 + prefixLength : prefixLength
        let (highMask, lowMask) = Self.masks(bits)
        return address.high & highMask == network.high & highMask && address.low & lowMask == network.low & lowMask
    }

    private static func masks(_ bits: Int) -> (UInt64, UInt64) {
        let high: UInt64 = bits >= 64 ? .max : (bits == 0 ? 0 : ~(UInt64.max >> UInt64(bits)))
        let lowBits = max(0, bits - 64)
        let low: UInt64 = lowBits >= 64 ? .max : (lowBits == 0 ? 0 : ~(UInt64.max >> UInt64(lowBits)))
        return (high, low)
    }

    public var description: String { "\(network)/\(prefixLength)" }

    /// A comma-separated list (`10.0.0.0/8, 192.168.1.7 ,2001:db8::/32`), as annotations and flags
    /// take one: spaces around items and empty items are ignored. Fails with the first item that
    /// is not an address or range.
    public static func list(_ text: String) -> Result<[AddressRange], InvalidItem> {
        var ranges: [AddressRange] = []
        for item in text.split(separator: ",") {
            let trimmed = item.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed()
            if trimmed.isEmpty { continue }
            let element = String(trimmed)
            guard let range = AddressRange(Substring(element)) else { return .failure(InvalidItem(item: element)) }
            ranges.append(range)
        }
        return .success(ranges)
    }

    /// The item of a list that is not an address or range.
    public struct InvalidItem: Error, Equatable {
        public let item: String
    }
}

/// Who may reach a route by client address (ingress-nginx's `allowlist-source-range` and
/// `denylist-source-range`): a denied address never; with an allow list, only the addresses in it.
/// A client whose address is not known (not an IP socket) is refused whenever a list is set.
public struct SourceRanges: Hashable, Sendable {
    public var allow: [AddressRange]
    public var deny: [AddressRange]

    public init(allow: [AddressRange] = [], deny: [AddressRange] = []) {
        self.allow = allow
        self.deny = deny
    }

    public func permits(_ address: IPAddress?) -> Bool {
        guard let address else { return false }
        if deny.contains(where: { $0.contains(address) }) { return false }
        return allow.isEmpty || allow.contains { $0.contains(address) }
    }
}
