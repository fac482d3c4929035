import KubeModels
import SluiceRouting

/// Turns each `spec.rules[].http.paths[]` into a route of its host's virtual host: `Exact` →
/// `PathMatch.exact`, `Prefix` and `ImplementationSpecific` → `PathMatch.prefix(ingressPath:)`.
///
/// The first Ingress (oldest) to claim a host + path + kind keeps it; a later claimant is told
/// who won (`ConflictLost`), and an Ingress listing one twice is told the first is used
/// (`DuplicatePath`). A path not starting with `/`, or whose backend is not a Service, claims
/// nothing. Canary Ingresses (`canary: "true"`) claim nothing: once every other Ingress has
/// claimed its routes, each joins the routes it names as their canary (`CanaryAttachment`).
struct IngressRuleProcessor: IngressGraphProcessor {
    func run(_ build: inout IngressGraphBuild) {
        for served in build.ingresses where served.policy.canary == nil {
            claimRoutes(of: served, &build)
        }
        for served in build.ingresses {
            if let rule = served.policy.canary { CanaryAttachment.attach(served, rule: rule, &build) }
        }
    }

    private func claimRoutes(of served: ServedIngress, _ build: inout IngressGraphBuild) {
        for (ruleIndex, rule) in (served.ingress.spec?.rules ?? []).enumerated() {
            let host = HostMatch(ingressHost: rule.host)
            for (pathIndex, path) in (rule.http?.paths ?? []).enumerated() {
                let field = IngressField.path(rule: ruleIndex, path: pathIndex)
                guard let match = Self.pathMatch(path, field: field, ingress: served.rank, &build) else { continue }
                if let owner = build.graph.virtualHosts[host]?.routes[match]?.source {
                    let claimed = "\(field.text): \(host.text) \(match.text)"
                    if owner == served.key {
                        build.report(DiagnosticReason.duplicatePath, "\(claimed) is listed twice in this Ingress; the first is used",
                                     ingress: served.rank, at: field)
                    } else {
                        build.report(DiagnosticReason.conflictLost, "\(claimed) is served by \(owner), which is older",
                                     ingress: served.rank, at: field)
                    }
                    continue
                }
                guard let backend = build.requestBackend(path.backend, ingress: served.rank, at: field) else { continue }
                build.graph[host: host].routes[match] = RouteNode(
                    path: match, backend: backend, policy: served.policy, source: served.key, fallback: served.defaultBackend)
            }
        }
    }

    /// The path's match, or nil (reported) when it does not start with `/`.
    static func pathMatch(
        _ path: HTTPIngressPath, field: IngressField, ingress rank: Int, _ build: inout IngressGraphBuild
    ) -> PathMatch? {
        let text = path.path ?? "/"
        guard text.hasPrefix("/") else {
            build.report(DiagnosticReason.invalidPath, "\(field.text): path \(AnnotationValue.quoted(text)) ignored: must start with /",
                         ingress: rank, at: field)
            return nil
        }
        return path.pathType == .exact ? .exact(text) : .prefix(ingressPath: text)
    }
}
