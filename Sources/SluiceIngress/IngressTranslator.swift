import KubeModels
import SluiceRouting

/// The pure translation `ClusterSnapshot → RoutingTable + diagnostics`, used unchanged by the
/// controller (cluster state) and by `sluice serve --manifests` (files).
///
/// Ingresses of our class are processed oldest first (`IngressAge`). Ours means: the legacy
/// `kubernetes.io/ingress.class` annotation equals `options.ingressClass` (it decides alone when
/// present); or `spec.ingressClassName` names an IngressClass whose controller is
/// `options.controllerName`; or no class while such an IngressClass is the default. Standalone
/// convenience (`options.servesClasslessWithoutIngressClasses`): when the snapshot has no
/// IngressClass objects at all, Ingresses without a class or with
/// `ingressClassName == options.ingressClass` are ours too. See `IngressClassSelection`.
/// Each `rules[].http.paths[]` becomes a `Route`: `Exact` → `PathMatch.exact`, `Prefix` and
/// `ImplementationSpecific` → `PathMatch.prefix(ingressPath:)`. The first Ingress to claim a
/// host + path + kind keeps it; later claimants get a `ConflictLost` diagnostic naming the winner.
/// The oldest Ingress with `spec.defaultBackend` provides the table's default backend. Backends
/// resolve through `BackendResolver`; annotations through `AnnotationPolicyReader`. Nothing here
/// fails: whatever is wrong is reported and the rest is served.
public enum IngressTranslator {
    public static func translate(_ snapshot: ClusterSnapshot, options: TranslationOptions) -> TranslationResult {
        let selection = IngressClassSelection(classes: snapshot.ingressClasses, options: options)
        let ingresses = snapshot.ingresses.filter(selection.isServed).sorted(by: IngressAge.isOlder)
        let resolver = BackendResolver(services: snapshot.services, slices: snapshot.endpointSlices)
        let secrets = Dictionary(
            snapshot.secrets.map { ("\($0.metadata.namespace ?? "default")/\($0.metadata.name ?? "")", $0) },
            uniquingKeysWith: { first, _ in first }
        )

        var routes: [Route] = []
        var claimedBy: [RouteClaim: String] = [:]
        var defaultBackend: Route?
        var diagnostics: [Diagnostic] = []

        for ingress in ingresses {
            var problems: [IngressProblem] = []
            func report(_ reason: String, _ message: String) {
                problems.append(IngressProblem(reason: reason, message: message))
            }
            let namespace = ingress.namespaceOrDefault
            let source = ingress.key
            let (policy, annotationProblems) = AnnotationPolicyReader.read(ingress.metadata.annotations ?? [:])
            problems += annotationProblems

            func backend(_ reference: IngressBackend, at field: String) -> Backend? {
                guard let service = reference.service else {
                    let what = reference.resource.map { "resource \($0.kind)/\($0.name)" } ?? "no service"
                    report(DiagnosticReason.unsupportedBackend, "\(field): \(what) is not supported; only service backends are")
                    return nil
                }
                let (backend, problem) = resolver.resolve(BackendReference(namespace: namespace, service: service))
                if let problem { problems.append(problem) }
                return backend
            }

            if let reference = ingress.spec?.defaultBackend {
                if let winner = defaultBackend {
                    report(DiagnosticReason.conflictLost,
                           "spec.defaultBackend ignored: \(winner.source) is older and provides the default backend")
                } else if let resolved = backend(reference, at: "spec.defaultBackend") {
                    defaultBackend = Route(host: .any, path: .prefix(""), backend: resolved, policy: policy, source: source)
                }
            }

            for (ruleIndex, rule) in (ingress.spec?.rules ?? []).enumerated() {
                let host = HostMatch(ingressHost: rule.host)
                for (pathIndex, path) in (rule.http?.paths ?? []).enumerated() {
                    let field = "spec.rules[\(ruleIndex)].http.paths[\(pathIndex)]"
                    let text = path.path ?? "/"
                    guard text.hasPrefix("/") else {
                        report(DiagnosticReason.invalidPath, "\(field): path \(AnnotationValue.quoted(text)) ignored: must start with /")
                        continue
                    }
                    let match: PathMatch = path.pathType == .exact ? .exact(text) : .prefix(ingressPath: text)
                    let claim = RouteClaim(host: host, path: match)
                    if let owner = claimedBy[claim] {
                        if owner == source {
                            report(DiagnosticReason.duplicatePath, "\(field): \(host.text) \(match.text) is listed twice in this Ingress; the first is used")
                        } else {
                            report(DiagnosticReason.conflictLost, "\(field): \(host.text) \(match.text) is served by \(owner), which is older")
                        }
                        continue
                    }
                    guard let resolved = backend(path.backend, at: field + ".backend") else { continue }
                    claimedBy[claim] = source
                    routes.append(Route(host: host, path: match, backend: resolved, policy: policy, source: source))
                }
            }

            problems += tlsProblems(ingress, secrets: secrets)
            diagnostics += problems.map {
                Diagnostic(kind: "Ingress", namespace: namespace, name: ingress.nameOrEmpty, reason: $0.reason, message: $0.message)
            }
        }

        return TranslationResult(
            table: RoutingTable(routes: routes, defaultBackend: defaultBackend),
            diagnostics: diagnostics,
            ownedIngresses: ingresses.map(\.key).sorted()
        )
    }

    /// `spec.tls[].secretName` must name a `kubernetes.io/tls` Secret with `tls.crt` and
    /// `tls.key` in the Ingress's namespace. And an Ingress that asks for TLS is told, once, that
    /// Sluice does not terminate TLS yet: its hosts are served over plain HTTP only.
    private static func tlsProblems(_ ingress: Ingress, secrets: [String: Secret]) -> [IngressProblem] {
        let entries = ingress.spec?.tls ?? []
        guard !entries.isEmpty else { return [] }
        var problems = [IngressProblem(
            reason: DiagnosticReason.tlsNotServed,
            message: "spec.tls: Sluice does not terminate TLS yet; this Ingress is served over plain HTTP only"
        )]
        for (index, tls) in entries.enumerated() {
            guard let name = tls.secretName, !name.isEmpty else { continue }
            let key = "\(ingress.namespaceOrDefault)/\(name)"
            let field = "spec.tls[\(index)]"
            guard let secret = secrets[key] else {
                problems.append(IngressProblem(reason: DiagnosticReason.tlsSecretNotFound, message: "\(field): secret \(key) not found"))
                continue
            }
            if !secret.isTLS {
                let type = secret.type.map { AnnotationValue.quoted($0) } ?? "absent"
                problems.append(IngressProblem(
                    reason: DiagnosticReason.tlsSecretInvalid,
                    message: "\(field): secret \(key) has type \(type), not \(Secret.tlsType)"
                ))
            } else if secret.data?["tls.crt"] == nil || secret.data?["tls.key"] == nil {
                problems.append(IngressProblem(
                    reason: DiagnosticReason.tlsSecretInvalid,
                    message: "\(field): secret \(key) lacks tls.crt or tls.key"
                ))
            }
        }
        return problems
    }
}

private struct RouteClaim: Hashable {
    var host: HostMatch
    var path: PathMatch
}
