import SluiceRouting

/// Redirects and what the backend is told of the request's place: `temporal-redirect` (`302`, or
/// `temporal-redirect-code`) and `permanent-redirect` (`301`, or `permanent-redirect-code`)
/// answer every request of the Ingress's routes with a redirect (ingress-nginx's precedence:
/// temporal first); `app-root` sends a request for `/` to that path (`302`); `upstream-vhost`
/// sets the `Host` the backend gets; `x-forwarded-prefix` adds `X-Forwarded-Prefix`;
/// `from-to-www-redirect` is handed to the caller (``redirectsWWW``). Each from
/// `sluice.io/<name>`, else its ingress-nginx alias. They guard nothing: a bad value is reported
/// and ignored, and the routes are served without it.
extension AnnotationPolicyReader {
    mutating func readRedirects(into policy: inout RoutePolicy) {
        typealias G = RedirectGrammars
        let url = Grammar(accepted: G.urlAccepted, parse: G.url)
        let code = Grammar(accepted: G.codeAccepted, parse: G.code)

        var redirect = RouteRedirect()
        let temporal = aliasedSetting("temporal-redirect", url)
        let temporalCode = aliasedSetting("temporal-redirect-code", code)
        let permanent = aliasedSetting("permanent-redirect", url)
        let permanentCode = aliasedSetting("permanent-redirect-code", code)
        if let temporal {
            redirect.always = .init(status: temporalCode ?? 302, location: temporal)
            if isGiven("permanent-redirect") {
                report(IngressProblem(
                    reason: DiagnosticReason.ineffectiveAnnotation,
                    message: "permanent-redirect ignored: temporal-redirect is set too and wins (as in ingress-nginx)"))
            }
        } else if let permanent {
            redirect.always = .init(status: permanentCode ?? 301, location: permanent)
        }
        for (codeName, urlName) in [("temporal-redirect-code", "temporal-redirect"), ("permanent-redirect-code", "permanent-redirect")]
        where isGiven(codeName) && !isGiven(urlName) {
            report(IngressProblem(
                reason: DiagnosticReason.ineffectiveAnnotation, message: "\(codeName) without \(urlName) is ignored"))
        }
        redirect.appRoot = aliasedSetting("app-root", Grammar(accepted: G.appRootAccepted, parse: G.appRoot))
        if redirect.always != nil || redirect.appRoot != nil { policy.redirect = redirect }

        let trueFalse = Grammar(accepted: BooleanGrammar.accepted, parse: BooleanGrammar.parse)
        redirectsWWW = aliasedSetting("from-to-www-redirect", trueFalse) ?? false

        if let host = aliasedSetting("upstream-vhost", Grammar(accepted: G.virtualHostAccepted, parse: G.virtualHost)) {
            policy.requestHeaders.append(HeaderField(name: "Host", value: host))
        }
        if let prefix = aliasedSetting("x-forwarded-prefix", Grammar(accepted: G.prefixAccepted, parse: G.prefix)) {
            policy.requestHeaders.removeAll { $0.name.lowercased() == "x-forwarded-prefix" }
            policy.requestHeaders.append(HeaderField(name: "X-Forwarded-Prefix", value: prefix))
        }
    }
}
