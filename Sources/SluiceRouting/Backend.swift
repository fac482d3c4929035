/// One upstream address: a pod IP (or, in standalone mode, any address) and port.
public struct Endpoint: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

/// Where a route sends requests: a named service port and its ready endpoints, in a stable order.
///
/// An empty `endpoints` list is legal: the proxy answers 503 for it.
public struct Backend: Hashable, Sendable {
    /// `namespace/service:port`, used as the upstream pool key and in logs.
    public var name: String
    public var endpoints: [Endpoint]

    public init(name: String, endpoints: [Endpoint]) {
        self.name = name
        self.endpoints = endpoints
    }
}
