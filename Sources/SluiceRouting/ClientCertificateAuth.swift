/// Client certificates asked for on a route's host (ingress-nginx's `auth-tls-*`), checked per
/// request against what the connection's handshake established (the proxy's
/// `ClientCertificateDecision`).
///
/// The handshake of a server name whose routes have it asks for a certificate and checks it
/// against ``trust`` (the CA and the depth); whether a request may pass is decided per request,
/// by ``verification``, as nginx does (`400` pages rather than failed handshakes).
public struct ClientCertificateAuth: Hashable, Sendable {
    /// `auth-tls-verify-client`. `off` is no policy at all.
    public enum Verification: String, Hashable, Sendable, CaseIterable {
        /// A certificate that verifies is required.
        case on
        /// No certificate is fine; one that does not verify is refused.
        case optional
        /// Any certificate, or none, passes; the verification result is only reported upstream.
        case optionalNoCA = "optional_no_ca"
    }

    /// What a handshake checks a client's certificate against: the same for every route of a
    /// server name that shares it, so that a connection's result can be used by any of them.
    public struct Trust: Hashable, Sendable {
        /// The CA certificates (`ca.crt` of `auth-tls-secret`), PEM.
        public let certificatesPEM: String
        /// The longest chain from the client's certificate to the CA, not counting the client's
        /// (`auth-tls-verify-depth`, 1 by default: issued by the CA itself).
        public let depth: Int

        public init(certificatesPEM: String, depth: Int) {
            self.certificatesPEM = certificatesPEM
            self.depth = depth
        }
    }

    public let trust: Trust
    /// `namespace/name` of the Secret the CA came from (for the table's text and logs).
    public let source: String
    public let verification: Verification
    /// `auth-tls-pass-certificate-to-upstream`: the certificate goes upstream in `ssl-client-cert`.
    public let passCertificate: Bool
    /// `auth-tls-error-page`: a refused request is redirected there instead of answered `400`.
    public let errorPage: String?

    public init(trust: Trust, source: String, verification: Verification, passCertificate: Bool = false, errorPage: String? = nil) {
        self.trust = trust
        self.source = source
        self.verification = verification
        self.passCertificate = passCertificate
        self.errorPage = errorPage
    }
}
