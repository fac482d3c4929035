import SluiceRouting

/// Basic authentication: `auth-type: basic` turns it on, `auth-secret` names the Secret of its
/// users (read by the caller, from ``basicAuthSecret``), `auth-secret-type` says how the Secret
/// holds them and `auth-realm` names the realm. Each is read from `sluice.io/<name>`, else its
/// ingress-nginx alias. It guards access, so a bad value of any of them, `auth-type: digest`
/// (not supported), or `basic` without `auth-secret` fails every route of the Ingress closed
/// (503), and a bad `sluice.io/` value is not replaced by its alias. Without `auth-type` the
/// others are reported and unused (as ingress-nginx ignores them).
extension AnnotationPolicyReader {
    mutating func readBasicAuth(into policy: inout RoutePolicy) {
        typealias G = BasicAuthGrammars
        let failClosed = "every route of this Ingress fails closed (503)"
        var invalid: [String] = []
        let type = guardedSetting("auth-type", G.authTypeAccepted, G.authType, invalid: &invalid)
        let secret = guardedSetting("auth-secret", SecretNameGrammar.accepted, SecretNameGrammar.parse, invalid: &invalid)
        let format = guardedSetting("auth-secret-type", G.secretTypeAccepted, G.secretType, invalid: &invalid)
        let realm = guardedSetting("auth-realm", G.realmAccepted, G.realm, invalid: &invalid)
        if !invalid.isEmpty {
            policy.refusal = policy.refusal ?? RouteRefusal(reason: "invalid \(invalid.joined(separator: ", "))")
            return
        }
        switch type {
        case nil:
            if secret != nil || format != nil || realm != nil {
                report(IngressProblem(
                    reason: DiagnosticReason.ineffectiveAnnotation,
                    message: "auth-secret, auth-secret-type and auth-realm without auth-type are ignored: no basic authentication is done"))
            }
        case .digest?:
            policy.refusal = policy.refusal ?? RouteRefusal(reason: "auth-type digest is not supported")
            report(IngressProblem(
                reason: DiagnosticReason.unsupportedAnnotation,
                message: "auth-type digest is not supported (only basic): \(failClosed)"))
        case .basic?:
            guard let secret else {
                policy.refusal = policy.refusal ?? RouteRefusal(reason: "auth-type basic without auth-secret")
                report(IngressProblem(
                    reason: DiagnosticReason.invalidAnnotation,
                    message: "auth-type basic needs auth-secret, the Secret of the users: \(failClosed)",
                    annotation: "auth-secret"))
                return
            }
            basicAuthSecret = BasicAuthReference(secret: secret, format: format ?? .authFile, realm: realm ?? "")
        }
    }
}
