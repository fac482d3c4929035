import SluiceRouting

/// Whether a plain-HTTP request goes to HTTPS instead, and where: the decision of ingress-nginx's
/// `ssl-redirect` and `force-ssl-redirect`, made for `RequestDecision`.
///
/// - A host with a certificate of its own is redirected unless its route says `ssl-redirect`
///   off; `force-ssl-redirect` redirects hosts without one too.
/// - `/.well-known/acme-challenge/` never is: cert-manager's HTTP-01 solver answers there over
///   plain HTTP (ingress-nginx's `no-tls-redirect-locations`).
/// - The URL names the host lower-cased and without the client's port, then
///   `--https-redirect-port` unless it is 443, then the request's path and query as sent. A host
///   no route or certificate names is never reflected: a catch-all route (no host) is only
///   redirected for hosts with a certificate.
enum HTTPSRedirect {
    static let acmeChallengePrefix = "/.well-known/acme-challenge/"

    /// The redirect's `Location`, or nil to serve the request as it is.
    static func location(
        host: Substring, target: String, path: Substring, route: Route, table: RoutingTable, port: Int
    ) -> String? {
        let force = route.policy.forceSSLRedirect
        // A stored flag first: a cluster without TLS hosts reads no certificate per request.
        guard force || (route.policy.sslRedirect && table.hasHostCertificates) else { return nil }
        let name = HostMatch.normalize(hostHeader: host)
        // `force-ssl-redirect` needs no certificate, but a catch-all route names no host.
        guard table.certificates.hostCertificate(name) != nil || (force && route.host != .any) else { return nil }
        guard !path.hasPrefix(acmeChallengePrefix) else { return nil }
        let authority = port == 443 ? name : "\(name):\(port)"
        return "https://\(authority)\(target)"
    }
}
