import NIOHTTP1
import SluiceRouting

/// A key made from a request by a template of nginx variables (`RequestKeyPart`): the external
/// auth cache's (`auth-cache-key`) as text, and consistent hashing's (`upstream-hash-by`) as a
/// 64-bit hash.
enum RequestKey {
    /// The key of `head` (in origin form) under `parts`, for the client at `clientIP`.
    static func expand(_ parts: [RequestKeyPart], head: HTTPRequestHead, clientIP: String?) -> String {
        var key = ""
        for part in parts {
            key += value(of: part, head: head, clientIP: clientIP)
            // Separates the parts, so that two values never run together into a third's key.
            key += "\u{0}"
        }
        return key
    }

    /// The FNV-1a hash of the key `expand` makes: the same on every replica and across restarts
    /// (unlike `Hasher`, seeded per process), so that replicas behind one Service agree. Nil when
    /// every variable of the key is empty (a header, cookie or parameter the request lacks).
    static func hash(_ parts: [RequestKeyPart], head: HTTPRequestHead, clientIP: String?) -> UInt64? {
        var hash = FNV1a()
        var anyValue = false
        for part in parts {
            let value = value(of: part, head: head, clientIP: clientIP)
            if part.isVariable, !value.isEmpty { anyValue = true }
            hash.add(value.utf8)
            hash.add(0)
        }
        return anyValue ? hash.value : nil
    }

    private static func value(of part: RequestKeyPart, head: HTTPRequestHead, clientIP: String?) -> Substring {
        switch part {
        case .literal(let text): Substring(text)
        case .field(let name): Substring(head.headers[name].joined(separator: ", "))
        case .cookie(let name): cookie(name, in: head.headers["cookie"]) ?? ""
        case .queryArgument(let name): queryArgument(name, in: head.uri) ?? ""
        case .remoteAddress: Substring(clientIP ?? "")
        case .host: Substring(head.headers.first(name: "host") ?? "")
        case .requestURI: Substring(head.uri)
        }
    }

    /// The value of cookie `name` in `Cookie` fields (`a=1; b=2`).
    static func cookie(_ name: String, in fields: [String]) -> Substring? {
        for field in fields {
            for pair in field.split(separator: ";") {
                let trimmed = pair.drop { $0 == " " }
                guard let equals = trimmed.firstIndex(of: "="), trimmed[..<equals] == name else { continue }
                return trimmed[trimmed.index(after: equals)...]
            }
        }
        return nil
    }

    /// The value of the first query parameter `name` (compared ignoring ASCII case, as nginx's
    /// `$arg_`) in `target`, as sent; a parameter without `=` has an empty value.
    static func queryArgument(_ name: String, in target: String) -> Substring? {
        guard let question = target.firstIndex(of: "?") else { return nil }
        var query = target[target.index(after: question)...]
        if let fragment = query.firstIndex(of: "#") { query = query[..<fragment] }
        for pair in query.split(separator: "&") {
            let equals = pair.firstIndex(of: "=") ?? pair.endIndex
            guard pair[..<equals].lowercased() == name.lowercased() else { continue }
            return equals == pair.endIndex ? "" : pair[pair.index(after: equals)...]
        }
        return nil
    }
}
