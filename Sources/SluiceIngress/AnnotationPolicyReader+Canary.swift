import SluiceRouting

/// `canary: "true"` makes the Ingress a canary of the Ingress that serves the same host and path
/// (`CanaryAttachment`), taking the requests `canary-by-header` (+ `canary-by-header-value`),
/// `canary-by-cookie` and `canary-weight` (out of `canary-weight-total`, default 100) select, in
/// ingress-nginx's order. Each from `sluice.io/<name>`, else its ingress-nginx alias. A bad value
/// is reported and ignored (the canary takes fewer requests, never the main route's place);
/// `canary-by-header-pattern` (a regular expression) is not supported: the ingress-nginx audit
/// reports it, and the header is read as without it. `canary-*` without `canary: "true"` is
/// reported and unused.
extension AnnotationPolicyReader {
    mutating func readCanary(into policy: inout RoutePolicy) {
        let settings = IngressAnnotations.canary.dropFirst()
        guard aliasedSetting("canary", Grammar(accepted: BooleanGrammar.accepted, parse: BooleanGrammar.parse)) == true else {
            let ignored = settings.filter(isGiven)
            if !ignored.isEmpty {
                report(IngressProblem(
                    reason: DiagnosticReason.ineffectiveAnnotation,
                    message: "\(ignored.joined(separator: ", ")) without canary: \"true\" ignored: the Ingress is served as usual"))
            }
            return
        }
        let token = Grammar(accepted: "a header field or cookie name (a token)") { text -> Result<String, GrammarFailure> in
            let value = String(Substring(text).trimmingCharacters(" \t"))
            return HeaderFieldGrammar.isToken(value) ? .success(value) : .failure(GrammarFailure("not a token"))
        }
        let fieldValue = Grammar(accepted: "a header value (printable ASCII)") { text -> Result<String, GrammarFailure> in
            let value = String(Substring(text).trimmingCharacters(" \t"))
            guard !value.isEmpty, HeaderFieldGrammar.isValue(value) else { return .failure(GrammarFailure("empty or not printable ASCII")) }
            return .success(value)
        }
        let weight = Grammar(accepted: "a whole number from 0 to 1000000", parse: CountGrammar.parse)
        var rule = CanaryRule()
        rule.header = aliasedSetting("canary-by-header", token)
        rule.headerValue = aliasedSetting("canary-by-header-value", fieldValue)
        rule.cookie = aliasedSetting("canary-by-cookie", token)
        rule.weightTotal = aliasedSetting("canary-weight-total", weight).flatMap { $0 > 0 ? $0 : nil } ?? 100
        if let share = aliasedSetting("canary-weight", weight) {
            if share > rule.weightTotal {
                report(IngressProblem(
                    reason: DiagnosticReason.invalidAnnotation,
                    message: "canary-weight \(share) is above canary-weight-total \(rule.weightTotal): the canary takes every request it is weighed for",
                    annotation: "canary-weight"))
            }
            rule.weight = min(share, rule.weightTotal)
        }
        if rule.headerValue != nil, rule.header == nil {
            report(IngressProblem(
                reason: DiagnosticReason.ineffectiveAnnotation, message: "canary-by-header-value without canary-by-header is ignored"))
        }
        policy.canary = rule
    }
}
