import NIOCore
import NIOHTTP1
import SluiceRouting

/// One event loop's cache of external auth allows (`auth-cache-key`), bounded: each entry is
/// the fields the allow copies upstream, until its expiry. Only allows are kept; a denial or a
/// failure is asked again every time.
struct ExternalAuthCache {
    /// The most entries kept; when full, expired ones go, and if none had, all of them.
    static let capacity = 10_000
    private var entries: [Key: (expires: NIODeadline, fields: HTTPHeaders)] = [:]

    /// An entry's identity: the auth service's URL and the expanded key.
    struct Key: Hashable {
        var service: String
        var key: String
    }

    /// The cached allow for `key`, if not expired at `now`.
    mutating func allowed(_ key: Key, now: NIODeadline) -> HTTPHeaders? {
        guard let entry = entries[key] else { return nil }
        guard entry.expires > now else {
            entries[key] = nil
            return nil
        }
        return entry.fields
    }

    mutating func store(_ key: Key, fields: HTTPHeaders, until expires: NIODeadline, now: NIODeadline) {
        if entries.count >= Self.capacity {
            entries = entries.filter { $0.value.expires > now }
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
        }
        entries[key] = (expires, fields)
    }

    /// The key of `head` (in origin form) under `parts`, for the client `facts` names.
    static func expand(_ parts: [AuthCacheKeyPart], head: HTTPRequestHead, clientIP: String?) -> String {
        var key = ""
        for part in parts {
            switch part {
            case .literal(let text): key += text
            case .field(let name): key += head.headers[name].joined(separator: ", ")
            case .cookie(let name): key += cookie(name, in: head.headers["cookie"]) ?? ""
            case .remoteAddress: key += clientIP ?? ""
            case .host: key += head.headers.first(name: "host") ?? ""
            case .requestURI: key += head.uri
            }
            // Separates the parts, so that two values never run together into a third's key.
            key += "\u{0}"
        }
        return key
    }

    /// The value of cookie `name` in `Cookie` fields (`a=1; b=2`).
    static func cookie(_ name: String, in fields: [String]) -> String? {
        for field in fields {
            for pair in field.split(separator: ";") {
                let trimmed = pair.drop { $0 == " " }
                guard let equals = trimmed.firstIndex(of: "="), trimmed[..<equals] == name else { continue }
                return String(trimmed[trimmed.index(after: equals)...])
            }
        }
        return nil
    }
}
