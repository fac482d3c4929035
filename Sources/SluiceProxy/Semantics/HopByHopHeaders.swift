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
        if let answer = name.utf8.withContiguousStorageIfAvailable({ isAlwaysHopByHop($0) }) { return answer }
        return Array(name.utf8).withUnsafeBufferPointer { isAlwaysHopByHop($0) }
    }

    /// `isAlwaysHopByHop(_:)` for a name's bytes.
    static func isAlwaysHopByHop(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        switch name.count {
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
    /// connection option left. `alsoRemoving` names more fields to drop in the same pass, for a
    /// caller that sets its own (a `ResponseHeadPlan`'s fields).
    public static func removing(from headers: HTTPHeaders, keepUpgrade: Bool = false, alsoRemoving: [ResponseField] = []) -> HTTPHeaders {
        let filter = HopByHopFilter(headers, keepUpgrade: keepUpgrade, alsoRemoving: alsoRemoving)
        // The common case returns the fields untouched, without copying them.
        guard !filter.forwardsAll else { return headers }
        var result: [(String, String)] = []
        result.reserveCapacity(headers.count + 1)
        for (name, value) in headers where filter.forwards(name) {
            result.append((name, value))
        }
        if filter.keepsUpgrade {
            result.append(("Connection", "upgrade"))
        }
        // Wrapped once: `HTTPHeaders.add` would re-check every (parsed, so ASCII) name.
        return HTTPHeaders(result)
    }
}

/// Which fields of one head go on to the next hop: the decision `HopByHopHeaders.removing`
/// applies, for a caller that writes the forwarded fields out without collecting them first
/// (`ClientResponseHead.serializeRelayed`).
struct HopByHopFilter {
    /// Other fields the `Connection` header names, lowercased (`close`, `keep-alive` and the
    /// always hop-by-hop names need no entry: usually this stays empty and allocates nothing).
    private let named: [String]
    private let keepUpgrade: Bool
    private let alsoRemoving: [ResponseField]
    /// No field is dropped: without any hop-by-hop field there is no `Connection` header naming
    /// others either.
    let forwardsAll: Bool
    /// An `Upgrade` field is kept (`keepUpgrade`): `Connection: upgrade` must go with it.
    let keepsUpgrade: Bool

    init(_ headers: HTTPHeaders, keepUpgrade: Bool, alsoRemoving: [ResponseField]) {
        self.keepUpgrade = keepUpgrade
        self.alsoRemoving = alsoRemoving
        var dropsAny = false
        var upgradeField = false
        var named: [String] = []
        for (name, value) in headers {
            guard HopByHopHeaders.isAlwaysHopByHop(name) else {
                if !alsoRemoving.isEmpty, alsoRemoving.contains(where: { $0.isNamed(name) }) { dropsAny = true }
                continue
            }
            dropsAny = true
            if name.utf8.count == 7, HeaderName.matches(name, "upgrade") { upgradeField = true }
            guard name.utf8.count == 10, HeaderName.matches(name, "connection") else { continue }
            for token in value.split(separator: ",") {
                let token = token.trimmingSpaces()
                if token.isEmpty || HeaderName.matches(token, "close") { continue }
                let lowered = token.lowercased()
                if HopByHopHeaders.names.contains(lowered) { continue }
                // A client must not be able to strip the body's framing or the routing key by
                // naming them in `Connection`: without `Content-Length` a GET body would reach
                // the upstream unframed and be parsed there as a second, smuggled request.
                if HopByHopHeaders.neverNominated.contains(lowered) { continue }
                named.append(lowered)
            }
        }
        self.named = named
        self.forwardsAll = !dropsAny
        self.keepsUpgrade = keepUpgrade && upgradeField
    }

    /// Whether a field named `name` goes on.
    func forwards(_ name: String) -> Bool {
        if forwardsAll { return true }
        if HopByHopHeaders.isAlwaysHopByHop(name) {
            return keepUpgrade && HeaderName.matches(name, "upgrade")
        }
        if !named.isEmpty, named.contains(where: { HeaderName.matches(name, lowercasedName: $0) }) { return false }
        if !alsoRemoving.isEmpty, alsoRemoving.contains(where: { $0.isNamed(name) }) { return false }
        return true
    }
}
