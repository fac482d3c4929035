import SluiceRouting

/// `load-balance` and `upstream-hash-by`, read after `sse-paths`.
///
/// A valid `upstream-hash-by` wins over `load-balance` (as in ingress-nginx, where it makes the
/// balancer `chash`); a `load-balance` it overrides is reported. Without either, an Ingress
/// with `sse-paths` balances by least streams, any other round-robin. A bad value is reported
/// and that default holds: balancing guards nothing.
extension AnnotationPolicyReader {
    mutating func readLoadBalancing(into policy: inout RoutePolicy) {
        typealias A = IngressAnnotations
        typealias G = LoadBalancingGrammars
        let balance = Grammar(accepted: G.balanceAccepted, parse: G.balance)
        let hash = Grammar(accepted: G.hashAccepted, parse: G.hash)
        let chosen = setting(A.loadBalance, balance, alias: (A.nginxLoadBalance, balance))
        if let hashed = setting(A.upstreamHashBy, hash, alias: (A.nginxUpstreamHashBy, hash)) {
            policy.loadBalancing = hashed
            if let chosen {
                report(IngressProblem(
                    reason: DiagnosticReason.ineffectiveAnnotation,
                    message: "load-balance \(chosen.text) ignored: upstream-hash-by chooses the endpoint"))
            }
            return
        }
        policy.loadBalancing = chosen ?? (policy.eventStreamPaths.isEmpty ? .roundRobin : .leastStreams)
    }
}
