import KubeModels
import SluiceRouting

/// Turns each `spec.rules[].http.paths[]` into a route of its host's virtual host: `Exact` →
/// `PathMatch.exact`, `Prefix` and `ImplementationSpecific` → `PathMatch.prefix(ingressPath:)`.
/// On a host where any Ingress asks for regular expressions (`use-regex`, `rewrite-target`),
/// every path of every Ingress is `PathMatch.regex`, whatever its type (ingress-nginx's rule:
/// its locations become `~* "^<path>"`); a path that is not a usable expression is reported and
/// not served.
///
/// The first Ingress (oldest) to claim a host + path + kind keeps it; a later claimant is told
/// who won (`ConflictLost`), and an Ingress listing one twice is told the first is used
/// (`DuplicatePath`). A path not starting with `/`, or whose backend is not a Service, claims
/// nothing. Canary Ingresses (`canary: "true"`) claim nothing: once every other Ingress has
/// claimed its routes, each joins the routes it names as their canary (`CanaryAttachment`).
struct IngressRuleProcessor: IngressGraphProcessor {
    func run(_ build: inout IngressGraphBuild) {
        for served in build.ingresses where served.policy.canary == nil && served.policy.regexPaths {
            for rule in served.ingress.spec?.rules ?? [] { build.regexHosts.insert(HostMatch(ingressHost: rule.host)) }
        }
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
                guard let match = Self.pathMatch(path, host: host, field: field, ingress: served.rank, &build) else { continue }
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

    /// The path's match on `host`, or nil (reported) when it does not start with `/` or, on a
    /// host of regular expressions, is not a usable one.
    static func pathMatch(
        _ path: HTTPIngressPath, host: HostMatch, field: IngressField, ingress rank: Int, _ build: inout IngressGraphBuild
    ) -> PathMatch? {
        let text = path.path ?? "/"
        guard text.hasPrefix("/") else {
            build.report(DiagnosticReason.invalidPath, "\(field.text): path \(AnnotationValue.quoted(text)) ignored: must start with /",
                         ingress: rank, at: field)
            return nil
        }
        guard build.regexHosts.contains(host) else {
            return path.pathType == .exact ? .exact(text) : .prefix(ingressPath: text)
        }
        do {
            return .regex(try PathRegex(text))
        } catch {
            build.report(
                DiagnosticReason.invalidPath,
                "\(field.text): path \(AnnotationValue.quoted(text)) ignored: \(host.text) has regular-expression paths (use-regex or rewrite-target) and this one is not usable: \(error.message)",
                ingress: rank, at: field)
            return nil
        }
    }
}
