import SluiceRouting

/// Client certificates: `auth-tls-secret` turns them on; `auth-tls-verify-client` (`on` by
/// default), `auth-tls-verify-depth` (1), `auth-tls-pass-certificate-to-upstream` and
/// `auth-tls-error-page` shape them. Each is read from `sluice.io/<name>`, else its ingress-nginx
/// alias. They guard access: a bad value of any fails every route of the Ingress closed (503), and
/// a bad `sluice.io/` value is not replaced by its alias.
///
/// The policy left here names its Secret (`ClientCertificateAuth.source`, as written) and trusts
/// nothing yet: `ClientCertificateProcessor` reads the Secret's `ca.crt` into it, or fails the
/// routes closed.
extension AnnotationPolicyReader {
    mutating func readClientCertificate(into policy: inout RoutePolicy) {
        typealias G = ClientCertificateGrammars
        var invalid: [String] = []
        let secret = guardedSetting("auth-tls-secret", SecretNameGrammar.accepted, SecretNameGrammar.parse, invalid: &invalid)
        let verification = guardedSetting("auth-tls-verify-client", G.verificationAccepted, G.verification, invalid: &invalid)
        let depth = guardedSetting("auth-tls-verify-depth", G.depthAccepted, G.depth, invalid: &invalid)
        let pass = guardedSetting("auth-tls-pass-certificate-to-upstream", BooleanGrammar.accepted, BooleanGrammar.parse, invalid: &invalid)
        let errorPage = guardedSetting("auth-tls-error-page", G.errorPageAccepted, G.errorPage, invalid: &invalid)
        if !invalid.isEmpty {
            policy.refusal = policy.refusal ?? RouteRefusal(reason: "invalid \(invalid.joined(separator: ", "))")
            return
        }
        guard let secret else {
            if verification != nil || depth != nil || pass != nil || errorPage != nil {
                report(IngressProblem(
                    reason: DiagnosticReason.ineffectiveAnnotation,
                    message: "auth-tls-* annotations without auth-tls-secret are ignored: no client certificate is asked for"))
            }
            return
        }
        // `off` asks for no certificate.
        guard let mode = verification ?? .on else { return }
        let source = secret.namespace.map { "\($0)/\(secret.name)" } ?? secret.name
        policy.clientCertificate = ClientCertificateAuth(
            trust: ClientCertificateAuth.Trust(certificatesPEM: "", depth: depth ?? 1), source: source,
            verification: mode, passCertificate: pass ?? false, errorPage: errorPage)
    }
}
