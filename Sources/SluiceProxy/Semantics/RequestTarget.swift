import NIOHTTP1

/// Request-target forms (RFC 9112 §3.2).
public enum RequestTarget {
    /// The request as the proxy routes and forwards it: an absolute-form target
    /// (`GET http://example.com/a?b`) becomes origin-form (`/a?b`) and its authority replaces the
    /// `Host` field, since the target's authority wins over `Host` (RFC 9112 §3.2.2). Origin-form
    /// requests, the usual case, come back untouched without a copy.
    public static func originForm(_ head: HTTPRequestHead) -> HTTPRequestHead {
        guard let first = head.uri.utf8.first, first != UInt8(ascii: "/") else { return head }
        let uri = Substring(head.uri)
        guard let scheme = ["http://", "https://"].first(where: { uri.lowercased().hasPrefix($0) }) else { return head }
        let afterScheme = uri.dropFirst(scheme.count)
        let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? afterScheme.endIndex
        var authority = afterScheme[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") {
            authority = authority[authority.index(after: at)...]
        }
        var rest = afterScheme[authorityEnd...]
        if let fragment = rest.firstIndex(of: "#") { rest = rest[..<fragment] }
        var result = head
        result.uri = rest.first == "/" ? String(rest) : "/" + rest
        if !authority.isEmpty {
            result.headers.replaceOrAdd(name: "Host", value: String(authority))
        }
        return result
    }
}
