import SluiceRouting

/// `rewrite-target` (the path the backend is asked for, from the groups the route's regular
/// expression captured) and `use-regex` (the Ingress's paths are regular expressions; implied
/// by `rewrite-target`, as in ingress-nginx). Each from `sluice.io/<name>`, else its
/// ingress-nginx alias. A bad value is reported and ignored: the routes are served without it.
extension AnnotationPolicyReader {
    mutating func readRewrite(into policy: inout RoutePolicy) {
        let trueFalse = Grammar(accepted: BooleanGrammar.accepted, parse: BooleanGrammar.parse)
        let rewrite = aliasedSetting(
            "rewrite-target", Grammar(accepted: RewriteGrammars.targetAccepted, parse: RewriteGrammars.target))
        let useRegex = aliasedSetting("use-regex", trueFalse)
        policy.rewrite = rewrite
        policy.regexPaths = rewrite != nil || useRegex == true
    }
}
