import ArgumentParser

/// `--default-ssl-certificate NAMESPACE/NAME` (ingress-nginx's flag): the `kubernetes.io/tls`
/// Secret served to TLS clients whose server name no `spec.tls` host has. Shared by
/// `sluice controller` (a Secret in the cluster) and `sluice serve` (one in the manifests).
struct DefaultCertificateOptions: ParsableArguments {
    @Option(
        name: .customLong("default-ssl-certificate"),
        help: "NAMESPACE/NAME of a kubernetes.io/tls Secret served to TLS clients whose server name no Ingress lists in spec.tls (default: a self-signed certificate generated at start).")
    var defaultSSLCertificate: String?

    /// The flag, else `SLUICE_DEFAULT_SSL_CERTIFICATE`.
    var secret: String? { defaultSSLCertificate ?? EnvironmentDefault.string("SLUICE_DEFAULT_SSL_CERTIFICATE") }

    func validate() throws {
        guard let secret else { return }
        let parts = secret.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw ValidationError("--default-ssl-certificate must be NAMESPACE/NAME, got \"\(secret)\"")
        }
    }
}
