import NIOHTTP1

/// The hop-by-hop header policy of RFC 9110 §7.6.1: fields that describe one connection and must
/// not be forwarded, plus every field the `Connection` header names.
public enum HopByHopHeaders {
    static let neverNominated: Set<String> = ["content-length", "host"]

    /// Fields that are always connection-specific (lowercased).
    public static let names: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
    ]

    /// `headers` without hop-by-hop fields. When `keepUpgrade` is set (an upgrade request or a
    /// `101` response) the `Upgrade` field is kept and `Connection: upgrade` is the only
    /// connection option left.
    public static func removing(from headers: HTTPHeaders, keepUpgrade: Bool = false) -> HTTPHeaders {
        var dropped = names
        for token in headers[canonicalForm: "connection"] {
            dropped.insert(token.lowercased())
        }
        if keepUpgrade { dropped.remove("upgrade") }
        dropped.subtract(neverNominated)
        var result = HTTPHeaders()
        for (name, value) in headers where !dropped.contains(name.lowercased()) {
            result.add(name: name, value: value)
        }
        if keepUpgrade, result.contains(name: "upgrade") {
            result.add(name: "Connection", value: "upgrade")
        }
        return result
    }

    /// Whether a request asks to switch protocols (`Connection: upgrade` and an `Upgrade` field).
    public static func isUpgradeRequest(_ headers: HTTPHeaders) -> Bool {
        headers.contains(name: "upgrade")
            && headers[canonicalForm: "connection"].contains { $0.lowercased() == "upgrade" }
    }
}
