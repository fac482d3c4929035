import SluiceRouting

/// `enable-cors` and the `cors-*` settings, each from its `sluice.io/` annotation or its
/// `nginx.ingress.kubernetes.io/` alias; ingress-nginx's default for each one not given.
///
/// A bad `cors-allow-origin` allows no origin (reported): the route still serves its own
/// origin, and no other origin is let in by a typo. A bad `enable-cors` leaves CORS off; any
/// other bad setting keeps its default.
extension AnnotationPolicyReader {
    mutating func readCORS(into policy: inout RoutePolicy) {
        typealias A = IngressAnnotations
        let trueFalse = Grammar(accepted: BooleanGrammar.accepted, parse: BooleanGrammar.parse)
        guard setting(A.enableCORS, trueFalse, alias: (A.nginxEnableCORS, trueFalse)) == true else {
            reportIneffectiveCORSSettings()
            return
        }
        var cors = CORSPolicy()
        let origins = Grammar(accepted: CORSOriginGrammar.accepted, parse: CORSOriginGrammar.parse)
        let sluiceOrigins = annotations[A.corsAllowOrigin] != nil
        let nginxOrigins = annotations[A.nginxCORSAllowOrigin] != nil
        if sluiceOrigins || nginxOrigins {
            let key = sluiceOrigins ? A.corsAllowOrigin : A.nginxCORSAllowOrigin
            cors.allowedOrigins = parsed(key, origins, consequence: "allows no origin") ?? []
        }
        let methods = Grammar(accepted: "a comma-separated list of methods") { HeaderFieldGrammar.tokenList($0, allowingWildcard: false) }
        let names = Grammar(accepted: "* or a comma-separated list of field names") { HeaderFieldGrammar.tokenList($0, allowingWildcard: true) }
        if let value = setting(A.corsAllowMethods, methods, alias: (A.nginxCORSAllowMethods, methods)) { cors.allowMethods = value }
        if let value = setting(A.corsAllowHeaders, names, alias: (A.nginxCORSAllowHeaders, names)) { cors.allowHeaders = value }
        if let value = setting(A.corsExposeHeaders, names, alias: (A.nginxCORSExposeHeaders, names)) { cors.exposeHeaders = value }
        if let value = setting(A.corsAllowCredentials, trueFalse, alias: (A.nginxCORSAllowCredentials, trueFalse)) {
            cors.allowCredentials = value
        }
        let seconds = Grammar(accepted: "whole seconds, 0 or more") { text -> Result<Int, GrammarFailure> in
            guard !text.isEmpty, text.count <= 9, text.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(text) else {
                return .failure(GrammarFailure("not a whole number of seconds"))
            }
            return .success(value)
        }
        if let value = setting(A.corsMaxAge, seconds, alias: (A.nginxCORSMaxAge, seconds)) { cors.maxAgeSeconds = value }
        policy.cors = cors
    }

    private mutating func reportIneffectiveCORSSettings() {
        typealias A = IngressAnnotations
        let present = A.corsSettings.filter { annotations[$0.sluice] != nil || annotations[$0.nginx] != nil }
            .map { String($0.sluice.dropFirst(A.sluicePrefix.count)) }
        guard !present.isEmpty else { return }
        report(IngressProblem(
            reason: DiagnosticReason.ineffectiveAnnotation,
            message: "\(present.joined(separator: ", ")) ignored: CORS is off (set enable-cors \"true\")"))
    }
}
