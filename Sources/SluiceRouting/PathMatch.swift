/// How a route's path is compared with a request path, per the Ingress spec.
///
/// - `exact`: the whole path, case-sensitively (`/foo` ≠ `/foo/`).
/// - `prefix`: element-wise on `/`; the stored prefix has no trailing slash (`/` is stored as
///   `""`), so `/aaa/bbb/` and `/aaa/bbb` are the same prefix and match `/aaa/bbb`, `/aaa/bbb/`
///   and `/aaa/bbb/ccc` but not `/aaa/bbbxyz`. `ImplementationSpecific` is treated as prefix.
/// - `regex`: ingress-nginx's `location ~* "^<path>"`, for every path of a host where an
///   Ingress asks for `use-regex` or `rewrite-target` (``PathRegex``).
public enum PathMatch: Hashable, Sendable {
    case exact(String)
    case prefix(String)
    case regex(PathRegex)

    /// Builds a prefix match from an Ingress path, dropping trailing slashes.
    public static func prefix(ingressPath path: String) -> PathMatch {
        var p = Substring(path)
        while p.last == "/" { p = p.dropLast() }
        return .prefix(String(p))
    }

    /// Whether `path` (the request target without its query) is matched.
    public func matches(path: Substring) -> Bool {
        switch self {
        case .exact(let p):
            return p[...] == path
        case .prefix(let p):
            return Self.isElementPrefix(p[...], of: path)
        case .regex(let pattern):
            return pattern.matches(path)
        }
    }

    /// Whether `prefix` (without trailing slash; empty means `/`) matches `path` element-wise.
    /// Compares bytes: request paths are ASCII on the wire (anything else is percent-encoded).
    static func isElementPrefix(_ prefix: Substring, of path: Substring) -> Bool {
        if prefix.isEmpty { return true }
        // Native strings are contiguous UTF-8: compare the bytes in place (the generic
        // `starts(with:)` over two UTF-8 views cost about a thousand instructions per call, on
        // every request).
        let compared: Bool?? = prefix.utf8.withContiguousStorageIfAvailable { prefixBytes in
            path.utf8.withContiguousStorageIfAvailable { pathBytes in
                isElementPrefix(prefixBytes, of: pathBytes)
            }
        }
        if let compared, let compared { return compared }
        let pathBytes = path.utf8
        guard pathBytes.starts(with: prefix.utf8) else { return false }
        let rest = pathBytes.dropFirst(prefix.utf8.count)
        return rest.isEmpty || rest.first == UInt8(ascii: "/")
    }

    private static func isElementPrefix(_ prefix: UnsafeBufferPointer<UInt8>, of path: UnsafeBufferPointer<UInt8>) -> Bool {
        guard path.count >= prefix.count else { return false }
        for index in 0..<prefix.count where prefix[index] != path[index] { return false }
        return path.count == prefix.count || path[prefix.count] == UInt8(ascii: "/")
    }

    /// Length used for longest-match precedence, counted in bytes of the normalised path.
    public var length: Int {
        switch self {
        case .exact(let p), .prefix(let p): return p.utf8.count
        case .regex(let pattern): return pattern.pattern.utf8.count
        }
    }

    public var isExact: Bool {
        if case .exact = self { return true }
        return false
    }

    /// The path as an Ingress would write it, for logs and golden files.
    public var text: String {
        switch self {
        case .exact(let p): return "=" + p
        case .prefix(let p): return p.isEmpty ? "/" : p
        case .regex(let pattern): return "~" + (pattern.caseInsensitive ? "*" : "") + pattern.pattern
        }
    }

    /// Precedence: longer first; on equal length exact beats prefix. Stable tie-break on the text.
    /// A host's regex paths are ordered the same way (ingress-nginx orders its locations by the
    /// path's length), and the first that matches wins, as in nginx.
    public static func precedes(_ a: PathMatch, _ b: PathMatch) -> Bool {
        if a.length != b.length { return a.length > b.length }
        if a.isExact != b.isExact { return a.isExact }
        return a.text < b.text
    }
}
