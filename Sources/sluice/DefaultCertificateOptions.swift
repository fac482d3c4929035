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
        try NamespacedNameArgument.validate(secret, flag: "--default-ssl-certificate")
    }
}
