/// Which server names ask TLS clients for a certificate, and checked against what: the
/// `ClientCertificateAuth.Trust` of their routes (exact host, else a wildcard one label up, else
/// the routes without a host, as requests are routed). Empty for a table without client
/// certificates, whose handshakes are then exactly those without them.
///
/// Routes of one host with different trusts: the first in the table's order wins, and requests
/// for the others are refused (`421`, their trust was not the one checked).
public struct ClientCertificateHosts: Hashable, Sendable {
    private var exact: [String: ClientCertificateAuth.Trust] = [:]
    private var wildcard: [String: ClientCertificateAuth.Trust] = [:]
    private var anyHostRoutes: ClientCertificateAuth.Trust?
    private var defaultBackend: ClientCertificateAuth.Trust?
    /// For a name no host matches: the routes without a host, else the default backend.
    private var anyHost: ClientCertificateAuth.Trust? { anyHostRoutes ?? defaultBackend }

    init(hosts: [HostRoutes], defaultBackend: Route?) {
        for host in hosts { set(host.clientCertificateTrust, for: host.host) }
        setDefaultBackend(defaultBackend)
    }

    /// `host`'s trust (``HostRoutes``) replaced by `trust`.
    mutating func set(_ trust: ClientCertificateAuth.Trust?, for host: HostMatch) {
        switch host {
        case .exact(let name): exact[name] = trust
        case .wildcard(let suffix): wildcard[suffix] = trust
        case .any: anyHostRoutes = trust
        }
    }

    mutating func setDefaultBackend(_ route: Route?) {
        defaultBackend = route?.policy.clientCertificate?.trust
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
