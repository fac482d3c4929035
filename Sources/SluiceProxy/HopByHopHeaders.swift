import NIOHTTP1

/// The hop-by-hop header policy of RFC 9110 §7.6.1: fields that describe one connection and must
/// not be forwarded, plus every field the `Connection` header names.
public enum HopByHopHeaders {
    /// Fields that are always connection-specific (lowercased).
    public static let names: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
    ]

    /// End-to-end fields that `Connection` may not nominate for removal (lowercased).
    static let neverNominated: Set<String> = ["content-length", "host"]

    /// Whether `name` is one of `names`, without allocating.
    static func isAlwaysHopByHop(_ name: String) -> Bool {
        switch name.utf8.count {
        case 2: return HeaderName.matches(name, "te")
        case 7: return HeaderName.matches(name, "trailer") || HeaderName.matches(name, "upgrade")
        case 10: return HeaderName.matches(name, "connection") || HeaderName.matches(name, "keep-alive")
        case 16: return HeaderName.matches(name, "proxy-connection")
        case 17: return HeaderName.matches(name, "transfer-encoding")
        default: return false
        }
    }

    /// `headers` without hop-by-hop fields. When `keepUpgrade` is set (an upgrade request or a
    /// `101` response) the `Upgrade` field is kept and `Connection: upgrade` is the only
    /// connection option left. `alsoRemoving` (lowercase) names one more field to drop in the
    /// same pass, for a caller that sets its own (`X-Accel-Buffering` on event streams).
    public static func removing(from headers: HTTPHeaders, keepUpgrade: Bool = false, alsoRemoving: String? = nil) -> HTTPHeaders {
        func isExtra(_ name: String) -> Bool {
            guard let alsoRemoving else { return false }
            return HeaderName.matches(name, alsoRemoving)
        }
        // Without any hop-by-hop field there is no `Connection` header naming others either:
        // the common case returns the fields untouched, without copying them.
        guard headers.contains(where: { isAlwaysHopByHop($0.name) || isExtra($0.name) }) else { return headers }
        // Other fields the `Connection` header names (`close`, `keep-alive` and the always
        // hop-by-hop names need no entry: usually this stays empty and allocates nothing).
        var named: [String] = []
        for (name, value) in headers where HeaderName.matches(name, "connection") {
            for token in value.split(separator: ",") {
                let token = token.trimmingSpaces()
                if token.isEmpty || HeaderName.matches(token, "close") { continue }
                let lowered = token.lowercased()
                if names.contains(lowered) { continue }
                // A client must not be able to strip the body's framing or the routing key by
                // naming them in `Connection`: without `Content-Length` a GET body would reach
                // the upstream unframed and be parsed there as a second, smuggled request.
                if neverNominated.contains(lowered) { continue }
                named.append(lowered)
            }
        }
        var result: [(String, String)] = []
        result.reserveCapacity(headers.count + 1)
        var keptUpgrade = false
        for (name, value) in headers {
            if isAlwaysHopByHop(name) {
                if keepUpgrade, HeaderName.matches(name, "upgrade") {
                    keptUpgrade = true
                } else {
                    continue
                }
            } else if !named.isEmpty, named.contains(where: { HeaderName.matches(name, $0) }) {
                continue
            } else if isExtra(name) {
                continue
            }
            result.append((name, value))
        }
        if keptUpgrade {
            result.append(("Connection", "upgrade"))
        }
        // Wrapped once: `HTTPHeaders.add` would re-check every (parsed, so ASCII) name.
        return HTTPHeaders(result)
    }

    /// Whether a request asks to switch protocols (`Connection: upgrade` and an `Upgrade` field).
    public static func isUpgradeRequest(_ headers: HTTPHeaders) -> Bool {
        var upgrade = false
        var connectionUpgrade = false
        for (name, value) in headers {
            switch name.utf8.count {
            case 7 where HeaderName.matches(name, "upgrade"):
                upgrade = true
            case 10 where HeaderName.matches(name, "connection"):
                connectionUpgrade = connectionUpgrade || HeaderName.listContains(value, token: "upgrade")
            default:
                break
            }
        }
        return upgrade && connectionUpgrade
    }
}
