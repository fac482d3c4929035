import SluiceRouting

/// `from-to-www-redirect`, as ingress-nginx does it: for each exact host of the Ingress's rules,
/// its sibling name — `www.` + the host, or the host without its `www.` — gets a route that
/// answers every request with `308` to the same URI on the rule's host (`$scheme://<host>$request_uri`).
/// A sibling that an Ingress serves itself keeps its routes: the redirect is not made, and the
/// Ingress is told (`IneffectiveAnnotation`). The redirect route keeps the Ingress's HTTPS
/// redirect settings; its backend is the rule's first path's, never asked.
struct WWWRedirectProcessor: IngressGraphProcessor {
    func run(_ build: inout IngressGraphBuild) {
        var made = Set<HostMatch>()
        for served in build.ingresses where served.redirectsWWW && served.policy.canary == nil {
            for (ruleIndex, rule) in (served.ingress.spec?.rules ?? []).enumerated() {
                guard case .exact(let name) = HostMatch(ingressHost: rule.host), let sibling = Self.sibling(of: name),
                    let firstPath = rule.http?.paths.first
                else { continue }
                let from = HostMatch.exact(sibling)
                guard !made.contains(from) else { continue }
                if build.graph.virtualHosts[from] != nil {
                    build.report(
                        DiagnosticReason.ineffectiveAnnotation,
                        "from-to-www-redirect: \(sibling) is served by an Ingress of its own, so it is not redirected to \(name)",
                        ingress: served.rank, at: .annotations)
                    continue
                }
                let field = IngressField.path(rule: ruleIndex, path: 0)
                guard let backend = build.requestBackend(firstPath.backend, ingress: served.rank, at: field) else { continue }
                let location = RedirectLocation(
                    text: "$scheme://\(name)$request_uri", parts: [.scheme, .text("://\(name)"), .requestURI])
                let policy = RoutePolicy(
                    sslRedirect: served.policy.sslRedirect, forceSSLRedirect: served.policy.forceSSLRedirect,
                    redirect: RouteRedirect(always: .init(status: 308, location: location)))
                build.graph[host: from].routes[.prefix("")] = .matchingEveryPath(backend: backend, policy: policy, source: served.key)
                made.insert(from)
            }
        }
    }

    /// `www.` + `host`, or `host` without its `www.`; nil for a name whose sibling is not a
    /// host name (`www.` alone, a wildcard).
    static func sibling(of host: String) -> String? {
        guard !host.hasPrefix("*") else { return nil }
        if host.hasPrefix("www.") {
            let bare = String(host.dropFirst(4))
            return bare.contains(".") ? bare : nil
        }
        return "www." + host
    }
}
