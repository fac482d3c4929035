/// How a route answers requests itself with a redirect instead of proxying them: ingress-nginx's
/// `temporal-redirect` / `permanent-redirect` (every request) and `app-root` (a request for `/`).
public struct RouteRedirect: Hashable, Sendable {
    /// Every request of the route is sent to `location` with `status` (300–308).
    public struct Always: Hashable, Sendable {
        public var status: Int
        public var location: RedirectLocation

        public init(status: Int, location: RedirectLocation) {
            self.status = status
            self.location = location
        }
    }

    public var always: Always?
    /// A request for exactly `/` gets `302` to this path on the same host (`app-root`).
    public var appRoot: String?

    public init(always: Always? = nil, appRoot: String? = nil) {
        self.always = always
        self.appRoot = appRoot
    }

    /// The status and `Location` for a request with `target` (path and query as sent) and
    /// `path` (the target without its query), or nil to serve it as usual.
    public func answer(target: Substring, path: Substring, host: Substring, secure: Bool) -> (status: Int, location: String)? {
        if let always {
            return (always.status, always.location.resolve(target: target, path: path, host: host, secure: secure))
        }
        if let appRoot, path == "/" { return (302, appRoot) }
        return nil
    }
}

/// A redirect URL as an annotation writes it, with the nginx variables ingress-nginx users put in
/// it (`https://new.example.com$request_uri`) resolved per request: `$request_uri` (path and
/// query as sent), `$uri` (the path), `$args` / `$query_string` (the query), `$is_args` (`?`
/// when there is a query), `$host` (the request's host, lowercase, without port), `$http_host`
/// (its `Host` field as sent) and `$scheme` (`http` or `https`). Also as `${name}`.
public struct RedirectLocation: Hashable, Sendable {
    public enum Part: Hashable, Sendable {
        case text(String)
        case requestURI, uri, args, isArgs, host, httpHost, scheme
    }

    public static let variables: [String: Part] = [
        "request_uri": .requestURI, "uri": .uri, "args": .args, "query_string": .args, "is_args": .isArgs,
        "host": .host, "http_host": .httpHost, "scheme": .scheme,
    ]

    /// As written.
    public let text: String
    public let parts: [Part]

    public init(text: String, parts: [Part]) {
        self.text = text
        self.parts = parts
    }

    func resolve(target: Substring, path: Substring, host: Substring, secure: Bool) -> String {
        let query = target.dropFirst(path.count).dropFirst()
        var url = ""
        for part in parts {
            switch part {
            case .text(let text): url += text
            case .requestURI: url += target
            case .uri: url += path
            case .args: url += query
            case .isArgs: if target.count > path.count { url += "?" }
            case .host: url += HostMatch.normalize(hostHeader: host)
            case .httpHost: url += host
            case .scheme: url += secure ? "https" : "http"
            }
        }
        return url
    }
}
