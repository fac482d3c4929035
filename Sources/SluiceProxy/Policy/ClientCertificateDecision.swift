import NIOHTTP1
import SluiceRouting

/// Whether a request may pass a route's client certificate policy (`auth-tls-*`), judged on what
/// its connection's handshake established (`ClientConnectionFacts.clientCertificate`), never on
/// the server name alone; and the head that goes upstream, with ingress-nginx's fields:
/// `ssl-client-verify` (`SUCCESS`, `NONE`, `FAILED:<reason>`), `ssl-client-subject-dn`,
/// `ssl-client-issuer-dn`, and `ssl-client-cert` with `auth-tls-pass-certificate-to-upstream`.
/// Whatever the client sent of these is dropped: the backend trusts them.
///
/// - A connection whose handshake did not check the route's trust (its server name asked for no
///   certificate, or against another CA, as when a client fronts one host's name for another's
///   `Host`): `421 Misdirected Request`, as nginx answers; the client may retry on a connection of
///   its own for that host.
/// - `on`: no certificate, `400` "No required SSL certificate was sent"; one that does not
///   verify, `400` "The SSL certificate error" (nginx's pages).
/// - `optional`: no certificate passes; one that does not verify gets the second `400`.
/// - `optional_no_ca`: everything passes; the result is only reported.
///
/// With `auth-tls-error-page`, the `400`s are a `302` to it instead.
enum ClientCertificateDecision {
    /// The names of the fields the proxy sets, which the client's are dropped for.
    static let fieldNames = ["ssl-client-verify", "ssl-client-subject-dn", "ssl-client-issuer-dn", "ssl-client-cert"]

    enum Outcome: Equatable {
        /// The request goes on with this head.
        case pass(HTTPRequestHead)
        /// The request is answered with this.
        case refuse(ProxyErrorResponse)
    }

    static func decide(
        _ head: HTTPRequestHead, auth: ClientCertificateAuth, facts: ClientConnectionFacts
    ) -> Outcome {
        guard let certificate = facts.clientCertificate, certificate.trust == auth.trust else {
            return .refuse(.misdirected)
        }
        switch (auth.verification, certificate.outcome) {
        case (.on, .none):
            return .refuse(refusal("No required SSL certificate was sent", auth: auth))
        case (.on, .failed), (.optional, .failed):
            return .refuse(refusal("The SSL certificate error", auth: auth))
        case (.on, .verified), (.optional, .verified), (.optional, .none), (.optionalNoCA, _):
            var forwarded = head
            for name in fieldNames { forwarded.headers.remove(name: name) }
            forwarded.headers.add(name: "ssl-client-verify", value: certificate.verifyValue)
            if let subject = certificate.subjectDN { forwarded.headers.add(name: "ssl-client-subject-dn", value: subject) }
            if let issuer = certificate.issuerDN { forwarded.headers.add(name: "ssl-client-issuer-dn", value: issuer) }
            if auth.passCertificate, let pem = certificate.escapedPEM {
                forwarded.headers.add(name: "ssl-client-cert", value: pem)
            }
            return .pass(forwarded)
        }
    }

    /// nginx's `400` page, or a redirect to the route's error page.
    private static func refusal(_ message: String, auth: ClientCertificateAuth) -> ProxyErrorResponse {
        guard let page = auth.errorPage else {
            return ProxyErrorResponse(status: .badRequest, message: message, closeConnection: false)
        }
        return ProxyErrorResponse(status: .found, message: "see \(page)", closeConnection: false, location: page)
    }
}

extension ProxyErrorResponse {
    /// A request whose `Host` asks for a client certificate that its connection's handshake did
    /// not check (another server name's): `421`, as nginx answers it.
    static let misdirected = ProxyErrorResponse(
        status: .misdirectedRequest, message: "client certificate not checked for this host on this connection: connect with its server name",
        closeConnection: false)
}
