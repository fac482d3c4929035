/// What `spec.tls` asks of a virtual host: the Secret holding its certificate and key.
///
/// Only filled in for now: Sluice does not terminate TLS yet, and every Ingress with `spec.tls`
/// is told so (`TLSNotServed`). The oldest Ingress listing a host sets its TLS; an entry without
/// `secretName` sets none.
struct VirtualHostTLS: Hashable, Sendable {
    var secret: SecretReference
    /// `namespace/name` of the Ingress whose `spec.tls` named the secret.
    var source: String
}

/// A Secret in a namespace, by name.
struct SecretReference: Hashable, Sendable, CustomStringConvertible {
    var namespace: String
    var name: String

    /// `namespace/name`.
    var description: String { "\(namespace)/\(name)" }
}
