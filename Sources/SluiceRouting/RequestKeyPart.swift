/// A piece of a key made from a request with nginx's variable syntax (`auth-cache-key`,
/// `upstream-hash-by`): literal text, or a request variable Sluice expands.
public enum RequestKeyPart: Hashable, Sendable {
    case literal(String)
    /// `$http_<name>`: the request's fields of that name (`-` for `_`), joined by `, `.
    case field(String)
    /// `$cookie_<name>`: that cookie's value.
    case cookie(String)
    /// `$arg_<name>`: that query parameter's value, as sent (not percent-decoded).
    case queryArgument(String)
    /// `$remote_addr` (or `$binary_remote_addr`): the client's address.
    case remoteAddress
    /// `$host`: the request's host.
    case host
    /// `$request_uri`: the request's target.
    case requestURI

    /// The variables `parse` knows, for the words telling a user what is accepted.
    public static let acceptedVariables = "$http_<name>, $cookie_<name>, $arg_<name>, $remote_addr, $host, $request_uri"

    /// Parses a key template: its parts, and the variables it cannot expand (`$name`).
    public static func parse(_ template: String) -> (parts: [RequestKeyPart], unknown: [String]) {
        var parts: [RequestKeyPart] = []
        var unknown: [String] = []
        var literal = ""
        var rest = Substring(template)
        while let dollar = rest.firstIndex(of: "$") {
            literal += rest[..<dollar]
            let after = rest[rest.index(after: dollar)...]
            let name = after.prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
            rest = after.dropFirst(name.count)
            let part: RequestKeyPart?
            switch name {
            case "remote_addr", "binary_remote_addr": part = .remoteAddress
            case "host": part = .host
            case "request_uri": part = .requestURI
            case _ where name.hasPrefix("http_") && name.count > 5:
                part = .field(name.dropFirst(5).lowercased().replacingUnderscores())
            case _ where name.hasPrefix("cookie_") && name.count > 7:
                part = .cookie(String(name.dropFirst(7)))
            case _ where name.hasPrefix("arg_") && name.count > 4:
                part = .queryArgument(String(name.dropFirst(4)))
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

    /// The part as a template writes it (`$http_x_user`); `parse` reads it back.
    public var text: String {
        switch self {
        case .literal(let text): text
        case .field(let name): "$http_" + String(name.map { $0 == "-" ? "_" : $0 })
        case .cookie(let name): "$cookie_" + name
        case .queryArgument(let name): "$arg_" + name
        case .remoteAddress: "$remote_addr"
        case .host: "$host"
        case .requestURI: "$request_uri"
        }
    }

    /// Whether the part depends on the request (not literal text).
    public var isVariable: Bool {
        if case .literal = self { return false }
        return true
    }

    /// The same part with strings of its own (see `RoutingTable.replica()`).
    func replica() -> RequestKeyPart {
        switch self {
        case .literal(let text): .literal(text.replica())
        case .field(let name): .field(name.replica())
        case .cookie(let name): .cookie(name.replica())
        case .queryArgument(let name): .queryArgument(name.replica())
        case .remoteAddress, .host, .requestURI: self
        }
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String {
        String(map { $0 == "_" ? "-" : $0 })
    }
}
