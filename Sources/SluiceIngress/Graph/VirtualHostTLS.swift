import SluiceRouting

/// What `spec.tls` asks of a virtual host: the Secret holding its certificate and key, and the
/// certificate when the Secret passed its checks and its certificate names this host.
///
/// The oldest Ingress listing a host sets its TLS, good or bad: a bad Secret leaves the host
/// with the default certificate rather than with a younger Ingress's. An entry without
/// `secretName` sets none.
struct VirtualHostTLS: Hashable, Sendable {
    var secret: SecretReference
    /// `namespace/name` of the Ingress whose `spec.tls` named the secret.
    var source: String
    /// nil: the host is served with the default certificate (the Ingress was told why).
    var certificate: ServingCertificate?
}

/// A Secret in a namespace, by name.
struct SecretReference: Hashable, Sendable, CustomStringConvertible {
    var namespace: String
    var name: String

    /// `namespace/name`.
    var description: String { "\(namespace)/\(name)" }
}
