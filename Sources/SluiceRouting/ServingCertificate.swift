/// A certificate chain and its private key in PEM, as a `kubernetes.io/tls` Secret holds them
/// (`tls.crt`, `tls.key`), checked at translation: the PEM decodes, the key matches the leaf,
/// the leaf is within its validity window.
///
/// The key is never shown: ``description`` names the certificate by its source and fingerprint,
/// and the routing table's text form prints only that.
public struct ServingCertificate: Hashable, Sendable, CustomStringConvertible {
    /// The leaf first, then its intermediates.
    public let chainPEM: String
    public let privateKeyPEM: String
    /// Where it came from: `namespace/name` of its Secret.
    public let source: String
    /// SHA-256 of the leaf's DER, in lowercase hex: tells certificates (and a rotated Secret's
    /// generations) apart in logs without showing them.
    public let fingerprint: String
    /// The leaf's `notAfter`, seconds since 1970 (for logs and the expiry warnings).
    public let notAfter: Int64

    public init(chainPEM: String, privateKeyPEM: String, source: String, fingerprint: String, notAfter: Int64) {
        self.chainPEM = chainPEM
        self.privateKeyPEM = privateKeyPEM
        self.source = source
        self.fingerprint = fingerprint
        self.notAfter = notAfter
    }

    public var description: String {
        "\(source) sha256:\(fingerprint.prefix(16))"
    }
}
