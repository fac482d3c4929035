import SluiceRouting

/// What translation produces from one snapshot.
public struct TranslationResult: Sendable {
    /// The routing table to publish.
    public var table: RoutingTable
    /// Warnings, in a deterministic order (oldest Ingress first).
    public var diagnostics: [Diagnostic]
    /// `namespace/name` of every Ingress of our class: the ones whose status we write.
    public var ownedIngresses: Set<String>
    /// `namespace/name` of every Secret translation read or wanted to: the `spec.tls` Secrets of
    /// our Ingresses (whether or not they exist), their `proxy-ssl-secret`s (with verification on) and `auth-tls-secret`s
    /// and the `--default-ssl-certificate` one. The
    /// controller keeps the data of these Secrets only.
    public var referencedSecrets: Set<String>

    public init(
        table: RoutingTable, diagnostics: [Diagnostic], ownedIngresses: Set<String>, referencedSecrets: Set<String> = []
    ) {
        self.table = table
        self.diagnostics = diagnostics
        self.ownedIngresses = ownedIngresses
        self.referencedSecrets = referencedSecrets
    }
}
