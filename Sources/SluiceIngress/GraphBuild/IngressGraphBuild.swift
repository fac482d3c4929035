import Foundation
import KubeModels
import SluiceRouting

/// An `IngressGraph` while processors fill it, with the Ingresses it is built from and what was
/// found wrong with them. Processors report problems against an Ingress and a field; they come
/// out as diagnostics oldest Ingress first and, within one, in the order of its fields.
struct IngressGraphBuild: Sendable {
    let snapshot: ClusterSnapshot
    let options: TranslationOptions
    /// When certificates are judged (expired, not yet valid).
    let now: Date
    var graph = IngressGraph()
    /// The Ingresses of our class, oldest first; `ServedIngress.rank` indexes this.
    var ingresses: [ServedIngress] = []
    /// Hosts whose every path is a regular expression (`RoutePolicy.regexPaths` on an Ingress
    /// with rules for them), set by `IngressRuleProcessor`.
    var regexHosts: Set<HostMatch> = []
    /// Each backend a route or the default route asked for, in the order they were asked: a
    /// reference that does not resolve is reported to every one of them.
    private(set) var backendRequests: [(reference: BackendReference, ingress: Int, field: IngressField)] = []
    private var findings: [Finding] = []
    /// Warnings about objects other than Ingresses (the default certificate's Secret), after
    /// the Ingresses' in ``diagnostics``.
    var objectDiagnostics: [Diagnostic] = []
    /// `namespace/name` of each Secret the TLS processors looked up (see
    /// `TranslationResult.referencedSecrets`).
    var referencedSecrets: Set<String> = []

    init(snapshot: ClusterSnapshot, options: TranslationOptions, now: Date) {
        self.snapshot = snapshot
        self.options = options
        self.now = now
    }

    mutating func report(_ problem: IngressProblem, ingress rank: Int, at field: IngressField) {
        findings.append(Finding(ingress: rank, field: field, sequence: findings.count, problem: problem))
    }

    mutating func report(_ reason: String, _ message: String, ingress rank: Int, at field: IngressField) {
        report(IngressProblem(reason: reason, message: message), ingress: rank, at: field)
    }

    /// The service `backend` names, recorded for `BackendResolutionProcessor`; `nil` (and
    /// reported) when it names something other than a Service.
    mutating func requestBackend(_ backend: IngressBackend, ingress rank: Int, at field: IngressField) -> BackendReference? {
        guard let service = backend.service else {
            let what = backend.resource.map { "resource \($0.kind)/\($0.name)" } ?? "no service"
            report(DiagnosticReason.unsupportedBackend, "\(field.backendText): \(what) is not supported; only service backends are",
                   ingress: rank, at: field)
            return nil
        }
        let reference = BackendReference(namespace: ingresses[rank].namespace, service: service)
        backendRequests.append((reference, rank, field))
        return reference
    }

    /// Every problem reported, as Warnings on their Ingresses.
    var diagnostics: [Diagnostic] {
        findings.sorted().map { finding in
            let ingress = ingresses[finding.ingress].ingress
            return Diagnostic(kind: "Ingress", namespace: ingress.namespaceOrDefault, name: ingress.nameOrEmpty,
                              reason: finding.problem.reason, message: finding.problem.message,
                              annotation: finding.problem.annotation)
        } + objectDiagnostics
    }

    /// `namespace/name` of every Ingress of our class, sorted: the ones whose status we write.
    var ownedIngresses: Set<String> { Set(ingresses.map(\.key)) }
}

/// A problem and where it was found; ordered by Ingress age, then field, then when reported.
private struct Finding: Comparable, Sendable {
    var ingress: Int
    var field: IngressField
    var sequence: Int
    var problem: IngressProblem

    static func < (a: Finding, b: Finding) -> Bool {
        (a.ingress, a.field, a.sequence) < (b.ingress, b.field, b.sequence)
    }

    static func == (a: Finding, b: Finding) -> Bool {
        (a.ingress, a.field, a.sequence) == (b.ingress, b.field, b.sequence)
    }
}
