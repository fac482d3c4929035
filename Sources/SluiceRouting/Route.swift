/// One host + path rule of the routing table and where it sends requests.
public struct Route: Hashable, Sendable {
    public var host: HostMatch
    public var path: PathMatch
    public var backend: Backend
    public var policy: RoutePolicy
    /// The object this route came from, `namespace/name` of an Ingress, for logs and errors.
    public var source: String
    /// Where some of its requests go instead (a canary Ingress); nil: none.
    public var canary: RouteCanary?
    /// The Ingress's `default-backend`: it answers when `backend` has no ready endpoints, and
    /// makes the error pages of `custom-http-errors`; nil: none (the table's `defaultBackend`
    /// makes the error pages).
    public var defaultBackend: Backend?

    public init(
        host: HostMatch, path: PathMatch, backend: Backend, policy: RoutePolicy = .default, source: String,
        canary: RouteCanary? = nil, defaultBackend: Backend? = nil
    ) {
        self.host = host
        self.path = path
        self.backend = backend
        self.policy = policy
        self.source = source
        self.canary = canary
        self.defaultBackend = defaultBackend
    }
}
