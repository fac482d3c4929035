import SluiceRouting

/// What a connection's TLS handshake established about the client's certificate: asked for
/// against which trust (the CA and depth of the server name's routes), and what came of it. Kept
/// by the connection (`ClientConnectionFacts.clientCertificate`) and judged per request by
/// `ClientCertificateDecision`; nil on a connection whose handshake asked for none.
///
/// A class: the connection's facts are copied per request, and this is one reference.
public final class ClientCertificateFacts: Sendable, Hashable, CustomStringConvertible {
    /// How the certificate fared, as nginx's `$ssl_client_verify` says it.
    public enum Outcome: Hashable, Sendable {
        /// The client sent none (`NONE`).
        case none
        /// It chains to the trusted CA within the depth and is within its validity (`SUCCESS`).
        case verified
        /// It does not (`FAILED:<reason>`, with OpenSSL's words for the reason).
        case failed(String)
    }

    /// What the certificate was checked against.
    public let trust: ClientCertificateAuth.Trust
    public let outcome: Outcome
    /// The client certificate's subject and issuer in RFC 2253 form (`CN=a,O=b`), as nginx's
    /// `$ssl_client_s_dn` and `$ssl_client_i_dn`; nil without a certificate.
    public let subjectDN: String?
    public let issuerDN: String?
    /// The client certificate's PEM, URL-escaped as nginx's `$ssl_client_escaped_cert`.
    public let escapedPEM: String?

    public init(
        trust: ClientCertificateAuth.Trust, outcome: Outcome, subjectDN: String? = nil, issuerDN: String? = nil,
        escapedPEM: String? = nil
    ) {
        self.trust = trust
        self.outcome = outcome
        self.subjectDN = subjectDN
        self.issuerDN = issuerDN
        self.escapedPEM = escapedPEM
    }

    /// The `ssl-client-verify` value: `SUCCESS`, `NONE` or `FAILED:<reason>`.
    public var verifyValue: String {
        switch outcome {
        case .none: "NONE"
        case .verified: "SUCCESS"
        case .failed(let reason): "FAILED:" + reason
        }
    }

    public var description: String { verifyValue + (subjectDN.map { " " + $0 } ?? "") }

    public static func == (lhs: ClientCertificateFacts, rhs: ClientCertificateFacts) -> Bool {
        lhs === rhs
            || (lhs.trust == rhs.trust && lhs.outcome == rhs.outcome && lhs.subjectDN == rhs.subjectDN
                && lhs.issuerDN == rhs.issuerDN && lhs.escapedPEM == rhs.escapedPEM)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(outcome)
        hasher.combine(subjectDN)
    }
}
