/// How ``ProxyService`` listens and drains.
public struct ProxyServiceConfiguration: Sendable {
    /// Address to bind, e.g. `0.0.0.0` or `127.0.0.1`.
    public var host: String
    /// Port to bind; 0 picks a free ephemeral port (read it back with ``ProxyService/localAddress``).
    public var port: Int
    /// Length of the kernel's queue of connections not yet accepted.
    public var backlog: Int32
    /// After a graceful shutdown starts, how long in-flight connections (including long-lived
    /// streams) may keep running before the remaining ones are closed.
    public var shutdownGracePeriod: Duration
    /// After a graceful shutdown starts, how long the listener keeps accepting (readiness already
    /// off) before it stops. Kubernetes removes a terminating pod from its Service's endpoints
    /// at the same time as it sends SIGTERM, and load balancers and kube-proxy learn of it a few
    /// seconds later: connections they still send meanwhile are served instead of refused
    /// (ingress-nginx's `--shutdown-grace-period`, or a `preStop` sleep).
    public var shutdownDelay: Duration
    /// Client connections open at once on all proxy listeners together (`--max-connections`);
    /// one more is closed as soon as it is accepted. nil: no cap but the open-file limit.
    public var maxConnections: Int?

    public init(
        host: String = "0.0.0.0",
        port: Int = 8080,
        backlog: Int32 = 1024,
        shutdownGracePeriod: Duration = .seconds(30),
        shutdownDelay: Duration = .zero,
        maxConnections: Int? = nil
    ) {
        self.host = host
        self.port = port
        self.backlog = backlog
        self.shutdownGracePeriod = shutdownGracePeriod
        self.shutdownDelay = shutdownDelay
        self.maxConnections = maxConnections
    }
}
