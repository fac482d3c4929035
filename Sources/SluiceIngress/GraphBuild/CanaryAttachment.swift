import SluiceRouting

/// A canary Ingress (`canary: "true"`) joins the routes of another Ingress for the same host,
/// path and kind as their canary: it never becomes a route of its own (ingress-nginx's rule).
/// A path no other Ingress serves is reported (`CanaryWithoutMain`) and not served; a route
/// that already has a canary keeps the first (oldest) one, the later is told (`ConflictLost`).
/// Only the canary's backend and its `canary-*` settings count; the main route's policy applies
/// to every request.
enum CanaryAttachment {
    static func attach(_ served: ServedIngress, rule: CanaryRule, _ build: inout IngressGraphBuild) {
        for (ruleIndex, ingressRule) in (served.ingress.spec?.rules ?? []).enumerated() {
            let host = HostMatch(ingressHost: ingressRule.host)
            for (pathIndex, path) in (ingressRule.http?.paths ?? []).enumerated() {
                let field = IngressField.path(rule: ruleIndex, path: pathIndex)
                guard let match = IngressRuleProcessor.pathMatch(path, host: host, field: field, ingress: served.rank, &build) else { continue }
                let claimed = "\(field.text): \(host.text) \(match.text)"
                guard let main = build.graph.virtualHosts[host]?.routes[match] else {
                    build.report(DiagnosticReason.canaryWithoutMain,
                                 "\(claimed): no other Ingress serves this host and path, so this canary is not served",
                                 ingress: served.rank, at: field)
                    continue
                }
                if let other = main.canary {
                    build.report(DiagnosticReason.conflictLost, "\(claimed) already has the canary \(other.source), which is older",
                                 ingress: served.rank, at: field)
                    continue
                }
                guard let backend = build.requestBackend(path.backend, ingress: served.rank, at: field) else { continue }
                build.graph[host: host].routes[match]?.canary = CanaryNode(backend: backend, rule: rule, source: served.key)
            }
        }
    }
}
