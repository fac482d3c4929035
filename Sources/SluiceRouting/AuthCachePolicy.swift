/// How external auth decisions are cached (`auth-cache-key`, `auth-cache-duration`): the key's
/// template, the auth service's statuses whose allow is kept, and for how long.
public struct AuthCachePolicy: Hashable, Sendable {
    /// The pieces of the key: literal text and request variables.
    public var key: [AuthCacheKeyPart]
    /// The `2xx` statuses whose decision is kept (`auth-cache-duration` may list others, which
    /// would be denials: those are never cached).
    public var statuses: Set<Int>
    public var duration: Duration

    public init(key: [AuthCacheKeyPart], statuses: Set<Int>, duration: Duration) {
        self.key = key
        self.statuses = statuses
        self.duration = duration
    }
}

/// A piece of an `auth-cache-key`: literal text, or an nginx variable Sluice expands.
public enum AuthCacheKeyPart: Hashable, Sendable {
    case literal(String)
    /// `$http_<name>`: the request's fields of that name (`-` for `_`), joined by `, `.
    case field(String)
    /// `$cookie_<name>`: that cookie's value.
    case cookie(String)
    /// `$remote_addr`: the client's address.
    case remoteAddress
    /// `$host`: the request's host.
    case host
    /// `$request_uri`: the request's target.
    case requestURI

    /// Parses a key template: its parts, and the variables it cannot expand (`$name`).
    public static func parse(_ template: String) -> (parts: [AuthCacheKeyPart], unknown: [String]) {
        var parts: [AuthCacheKeyPart] = []
        var unknown: [String] = []
        var literal = ""
        var rest = Substring(template)
        while let dollar = rest.firstIndex(of: "$") {
            literal += rest[..<dollar]
            let after = rest[rest.index(after: dollar)...]
            let name = after.prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
            rest = after.dropFirst(name.count)
            let part: AuthCacheKeyPart?
            switch name {
            case "remote_addr": part = .remoteAddress
            case "host": part = .host
            case "request_uri": part = .requestURI
            case _ where name.hasPrefix("http_") && name.count > 5:
                part = .field(name.dropFirst(5).lowercased().replacingUnderscores())
            case _ where name.hasPrefix("cookie_") && name.count > 7:
                part = .cookie(String(name.dropFirst(7)))
            default: part = nil
            }
            guard let part else {
                unknown.append("$" + name)
                continue
            }
            if !literal.isEmpty { parts.append(.literal(literal)) }
            literal = ""
            parts.append(part)
        }
        literal += rest
        if !literal.isEmpty { parts.append(.literal(literal)) }
        return (parts, unknown)
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String {
        String(map { $0 == "_" ? "-" : $0 })
    }
}
