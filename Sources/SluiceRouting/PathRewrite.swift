/// ingress-nginx's `rewrite-target`: the path the backend is asked for instead of the client's,
/// made from the groups the route's pattern captured in the client's path (`/$2` for
/// `/api(/|$)(.*)`), as nginx's `rewrite <path> <target> break`.
public struct PathRewrite: Hashable, Sendable {
    public enum Part: Hashable, Sendable {
        case text(String)
        /// `$n` / `${n}`: group `n` of the match (0: all of it); empty when the group took no
        /// part or does not exist, as in nginx.
        case capture(Int)
    }

    /// As written.
    public let text: String
    public let parts: [Part]

    public init(text: String, parts: [Part]) {
        self.text = text
        self.parts = parts
    }

    /// The request target sent upstream: the parts with `captures` filled in, then the client's
    /// `query` (without its `?`; nil: none), which nginx keeps: after the target's own query
    /// (`&`-joined) when the target has one, unless the target ends with `?`.
    public func target(captures: [Substring?], query: Substring?) -> String {
        var target = ""
        for part in parts {
            switch part {
            case .text(let text): target += text
            case .capture(let index): if index < captures.count, let captured = captures[index] { target += captured }
            }
        }
        if target.first != "/" { target = "/" + target }
        if target.last == "?" { return String(target.dropLast()) }
        guard let query, !query.isEmpty else { return target }
        return target + (target.contains("?") ? "&" : "?") + query
    }

    func replica() -> PathRewrite {
        PathRewrite(text: text.replica(), parts: parts.map { part in
            if case .text(let text) = part { return .text(text.replica()) }
            return part
        })
    }
}
