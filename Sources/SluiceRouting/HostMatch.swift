/// Which `Host` a route answers for, per the Ingress spec.
///
/// Exact hosts compare case-insensitively; a wildcard `*.foo.com` matches exactly one extra
/// leading label (`bar.foo.com`, not `baz.bar.foo.com`, not `foo.com`). `.any` is a rule without
/// a host.
public enum HostMatch: Hashable, Sendable, Comparable {
    case exact(String)
    /// The suffix after the `*`, lowercased and starting with a dot: `*.foo.com` → `.foo.com`.
    case wildcard(suffix: String)
    case any

    /// Parses an Ingress rule's `host` field (`""` or absent means any host).
    public init(ingressHost host: String?) {
        guard let host, !host.isEmpty else { self = .any; return }
        let lowered = host.lowercased()
        if lowered.hasPrefix("*.") {
            self = .wildcard(suffix: String(lowered.dropFirst()))
        } else {
            self = .exact(lowered)
        }
    }

    /// The host as written in an Ingress (`*.foo.com`, `foo.com`, or `*` for any).
    public var text: String {
        switch self {
        case .exact(let h): return h
        case .wildcard(let suffix): return "*" + suffix
        case .any: return "*"
        }
    }

    /// Whether `host` (already lowercased, port stripped) is matched.
    public func matches(normalizedHost host: String) -> Bool {
        switch self {
        case .exact(let h):
            return h == host
        case .wildcard(let suffix):
            let hostBytes = host.utf8
            let suffixBytes = suffix.utf8
            guard hostBytes.count > suffixBytes.count, hostBytes.reversed().starts(with: suffixBytes.reversed()) else {
                return false
            }
            return !hostBytes.dropLast(suffixBytes.count).contains(UInt8(ascii: "."))
        case .any:
            return true
        }
    }

    /// Lowercases a `Host` header value and strips its port (`Foo.com:8080` → `foo.com`,
    /// `[::1]:80` → `[::1]`). A trailing dot (`foo.com.`) is removed as well.
    public static func normalize(hostHeader: Substring) -> String {
        var value = hostHeader
        if value.utf8.first == UInt8(ascii: "[") {
            if let close = value.utf8.firstIndex(of: UInt8(ascii: "]")) {
                value = value[...close]
            }
        } else if let colon = value.utf8.lastIndex(of: UInt8(ascii: ":")) {
            value = value[..<colon]
        }
        if value.utf8.last == UInt8(ascii: ".") { value = value.dropLast() }
        // Host headers are almost always lowercase already: skip the copy `lowercased()` makes.
        if value.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") || $0 >= 0x80 }) {
            return value.lowercased()
        }
        return String(value)
    }

    public static func < (lhs: HostMatch, rhs: HostMatch) -> Bool {
        lhs.sortKey < rhs.sortKey
    }

    /// The order of ``<`` as a value, for sorting many hosts without recomputing it.
    public var sortKey: (Int, String) {
        switch self {
        case .exact(let h): return (0, h)
        case .wildcard(let s): return (1, s)
        case .any: return (2, "")
        }
    }
}
