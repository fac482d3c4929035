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

    public init(
        host: String = "0.0.0.0",
        port: Int = 8080,
        backlog: Int32 = 1024,
        shutdownGracePeriod: Duration = .seconds(30)
    ) {
        self.host = host
        self.port = port
        self.backlog = backlog
        self.shutdownGracePeriod = shutdownGracePeriod
    }
}
