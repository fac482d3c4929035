/// Which server names ask TLS clients for a certificate, and checked against what: the
/// `ClientCertificateAuth.Trust` of their routes (exact host, else a wildcard one label up, else
/// the routes without a host, as requests are routed). Empty for a table without client
/// certificates, whose handshakes are then exactly those without them.
///
/// Routes of one host with different trusts: the first in the table's order wins, and requests
/// for the others are refused (`421`, their trust was not the one checked).
public struct ClientCertificateHosts: Hashable, Sendable {
    private let exact: [String: ClientCertificateAuth.Trust]
    private let wildcard: [String: ClientCertificateAuth.Trust]
    private let anyHost: ClientCertificateAuth.Trust?

    public init(routes: [Route]) {
        var exact: [String: ClientCertificateAuth.Trust] = [:]
        var wildcard: [String: ClientCertificateAuth.Trust] = [:]
        var anyHost: ClientCertificateAuth.Trust?
        for route in routes {
            guard let trust = route.policy.clientCertificate?.trust else { continue }
            switch route.host {
            case .exact(let host): if exact[host] == nil { exact[host] = trust }
            case .wildcard(let suffix): if wildcard[suffix] == nil { wildcard[suffix] = trust }
            case .any: if anyHost == nil { anyHost = trust }
            }
        }
        self.exact = exact
        self.wildcard = wildcard
        self.anyHost = anyHost
    }

    /// No server name asks for a client certificate.
    public var isEmpty: Bool { exact.isEmpty && wildcard.isEmpty && anyHost == nil }

    /// The trust to check a client that sent `serverName` (nil: none sent) against, or nil when
    /// its handshake asks for no certificate.
    public func trust(forServerName serverName: String?) -> ClientCertificateAuth.Trust? {
        guard let serverName else { return anyHost }
        var name = serverName.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        if let trust = exact[name] { return trust }
        if let dot = name.firstIndex(of: "."), dot != name.startIndex, let trust = wildcard[String(name[dot...])] {
            return trust
        }
        return anyHost
    }
}
