/// Which certificate a TLS client gets, by the server name it sent (SNI): the certificate of
/// that exact host, else of a wildcard one label up (`*.example.com` covers `a.example.com`, not
/// `a.b.example.com` nor `example.com`), else the default. A client that sent no name (one that
/// connects by IP address) gets the default.
///
/// Part of the `RoutingTable`: routes and certificates change in one swap.
public struct CertificateTable: Hashable, Sendable {
    /// By lowercase host name.
    public let exact: [String: ServingCertificate]
    /// By the suffix a wildcard host covers, with its leading dot (`.example.com`).
    public let wildcard: [String: ServingCertificate]
    /// For names no host matches (`--default-ssl-certificate`); nil: the proxy's own
    /// generated certificate.
    public let defaultCertificate: ServingCertificate?

    /// `hosts`: Ingress hosts as `spec.tls[].hosts` lists them, exact (`a.example.com`) or
    /// wildcard (`*.example.com`), case-insensitive.
    public init(hosts: [String: ServingCertificate] = [:], defaultCertificate: ServingCertificate? = nil) {
        var exact: [String: ServingCertificate] = [:]
        var wildcard: [String: ServingCertificate] = [:]
        for (host, certificate) in hosts {
            let name = host.lowercased()
            if name.hasPrefix("*.") {
                wildcard[String(name.dropFirst())] = certificate
            } else {
                exact[name] = certificate
            }
        }
        self.exact = exact
        self.wildcard = wildcard
        self.defaultCertificate = defaultCertificate
    }

    /// A table from its parts as ``exact`` and ``wildcard`` hold them (lowercase; suffixes with
    /// their leading dot).
    public init(
        exact: [String: ServingCertificate], wildcard: [String: ServingCertificate],
        defaultCertificate: ServingCertificate?
    ) {
        self.exact = exact
        self.wildcard = wildcard
        self.defaultCertificate = defaultCertificate
    }

    /// No host has a certificate and there is no default.
    public static let empty = CertificateTable()

    public var isEmpty: Bool { exact.isEmpty && wildcard.isEmpty && defaultCertificate == nil }

    /// Some host has a certificate of its own (not only the default).
    public var hasHostCertificates: Bool { !exact.isEmpty || !wildcard.isEmpty }

    /// Every distinct certificate in the table.
    public var certificates: Set<ServingCertificate> {
        var all = Set(exact.values).union(wildcard.values)
        if let defaultCertificate { all.insert(defaultCertificate) }
        return all
    }

    /// The certificate for a client that sent `serverName` (nil: none sent), or nil for the
    /// proxy's generated default.
    public func certificate(forServerName serverName: String?) -> ServingCertificate? {
        guard let serverName else { return defaultCertificate }
        return hostCertificate(serverName) ?? defaultCertificate
    }

    /// The certificate of `host` itself, exact or wildcard (not the default): a host that has
    /// one is a TLS host (plain HTTP to it redirects to HTTPS).
    public func hostCertificate(_ host: String) -> ServingCertificate? {
        var name = host.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        if let certificate = exact[name] { return certificate }
        guard let dot = name.firstIndex(of: "."), dot != name.startIndex else { return nil }
        return wildcard[String(name[dot...])]
    }
}
