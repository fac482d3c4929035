import SluiceRouting

/// Sticky sessions: `affinity: cookie`, `affinity-mode` and the `session-cookie-*` settings,
/// each from `sluice.io/<name>`, else its ingress-nginx alias. They guard nothing: a bad value is
/// reported and its default holds (a bad `affinity` leaves the routes without stickiness);
/// `session-cookie-*` or `affinity-mode` without `affinity: cookie` is reported as ineffective.
/// The token key (`SessionAffinity.tokenKey`) is set by `AnnotationPolicyProcessor`, which knows
/// the Ingress.
extension AnnotationPolicyReader {
    mutating func readSessionAffinity(into policy: inout RoutePolicy) {
        typealias G = SessionAffinityGrammars
        func read<Value>(_ name: String, _ grammar: Grammar<Value>) -> Value? {
            setting(IngressAnnotations.sluicePrefix + name, grammar, alias: (IngressAnnotations.nginxPrefix + name, grammar))
        }
        let trueFalse = Grammar(accepted: BooleanGrammar.accepted, parse: BooleanGrammar.parse)
        let seconds = Grammar(accepted: G.secondsAccepted, parse: G.seconds)

        let enabled = read("affinity", Grammar(accepted: G.affinityAccepted, parse: G.affinity)) != nil
        var affinity = SessionAffinity()
        if let name = read("session-cookie-name", Grammar(accepted: G.nameAccepted, parse: G.name)) { affinity.cookieName = name }
        affinity.path = read("session-cookie-path", Grammar(accepted: G.pathAccepted, parse: G.path))
        affinity.maxAge = read("session-cookie-max-age", seconds)
        affinity.expires = read("session-cookie-expires", seconds)
        affinity.sameSite = read("session-cookie-samesite", Grammar(accepted: G.sameSiteAccepted, parse: G.sameSite))
        affinity.secure = read("session-cookie-secure", trueFalse)
        affinity.changeOnFailure = read("session-cookie-change-on-failure", trueFalse) ?? false
        if let mode = read("affinity-mode", Grammar(accepted: G.modeAccepted, parse: G.mode)) { affinity.mode = mode }
        if enabled {
            policy.sessionAffinity = affinity
            return
        }
        let given = IngressAnnotations.sessionAffinity.filter {
            $0 != "affinity"
                && (annotations[IngressAnnotations.sluicePrefix + $0] != nil || annotations[IngressAnnotations.nginxPrefix + $0] != nil)
        }
        if !given.isEmpty {
            report(IngressProblem(
                reason: DiagnosticReason.ineffectiveAnnotation,
                message: "\(given.joined(separator: ", ")) ignored: sticky sessions need affinity: cookie"))
        }
    }
}
