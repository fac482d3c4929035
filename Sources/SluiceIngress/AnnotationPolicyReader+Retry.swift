import SluiceRouting

/// `proxy-next-upstream`, `proxy-next-upstream-tries`, `proxy-next-upstream-timeout`
/// (ingress-nginx's defaults: `error timeout`, 3, 0 = no limit), `custom-http-errors` and
/// `default-backend`. None guards access: a bad value is reported and its default holds.
extension AnnotationPolicyReader {
    mutating func readRetries(into policy: inout RoutePolicy) {
        typealias G = RetryGrammars
        if let conditions = aliasedSetting("proxy-next-upstream", Grammar(accepted: G.conditionsAccepted, parse: G.conditions)) {
            policy.retry.conditions = conditions
        }
        if let tries = aliasedSetting("proxy-next-upstream-tries", Grammar(accepted: G.triesAccepted, parse: G.tries)) {
            policy.retry.tries = tries
        }
        let timeout = Grammar(accepted: DurationGrammar.acceptedSeconds + "; 0: no limit") {
            DurationGrammar.parseSeconds($0, allowZero: true)
        }
        if let within = aliasedSetting("proxy-next-upstream-timeout", timeout) {
            policy.retry.timeout = within == .zero ? nil : within
        }
        if let codes = aliasedSetting("custom-http-errors", Grammar(accepted: G.errorCodesAccepted, parse: G.errorCodes)) {
            policy.customHTTPErrors = codes
        }
        defaultBackendService = aliasedSetting("default-backend", Grammar(accepted: G.serviceAccepted, parse: G.service))
    }
}
