import Foundation
import KubeModels
import SluiceRouting

/// ``IngressTranslator`` for a cluster that changes a little at a time: the served Ingresses are
/// split into groups that cannot affect one another (``TranslationComponents``), each group is
/// translated alone from the part of the cluster it can read (``ComponentSnapshotBuilder``), and
/// a group whose part is unchanged since the last call reuses its translation. The merged result
/// equals a whole translation of the same objects (`IncrementalTranslatorTests` checks it on
/// random change sequences); only the order of diagnostics differs (here: sorted).
///
/// A reused translation judged its certificates' validity at the time it was made: one older than
/// ``maximumReuseAge`` is made again, so an expiry is noticed within that much.
///
/// What a change still costs for every Ingress: grouping, a look at each group's inputs
/// (lookups and equality, no copies), and the merge (a sort of the hosts).
public struct IncrementalTranslator: Sendable {
    public let options: TranslationOptions
    public var maximumReuseAge: TimeInterval = 600

    /// A group's translation and what it was made from; a class, so that keeping it for the
    /// next call copies a reference, not a snapshot and a table.
    private final class Part: Sendable {
        let snapshot: ClusterSnapshot
        let dependencies: ComponentDependencies
        let result: TranslationResult
        let madeAt: Date

        init(snapshot: ClusterSnapshot, dependencies: ComponentDependencies, result: TranslationResult, madeAt: Date) {
            self.snapshot = snapshot
            self.dependencies = dependencies
            self.result = result
            self.madeAt = madeAt
        }
    }

    private var parts: [[String]: Part] = [:]
    private var ingressClasses: [IngressClass]?
    private var defaultCertificate: Part?

    /// How many groups the last call translated (the rest were reused).
    public private(set) var lastTranslatedGroups = 0

    public init(options: TranslationOptions) {
        self.options = options
    }

    public mutating func translate(_ inputs: ClusterInputs, now: Date = Date()) -> TranslationResult {
        let builder = ComponentSnapshotBuilder(inputs: inputs, options: options)
        let selection = IngressClassSelection(classes: builder.ingressClasses, options: options)
        let groups = TranslationComponents(inputs.ingresses, isServed: selection.isServed).groups
        let classesUnchanged = ingressClasses == builder.ingressClasses
        ingressClasses = builder.ingressClasses
        var next: [[String]: Part] = [:]
        next.reserveCapacity(groups.count)
        lastTranslatedGroups = 0
        for group in groups {
            if classesUnchanged, let part = parts[group], isFresh(part, now: now),
                inputs.changed?.spares(group: group, part.dependencies) == true
                    || builder.isCurrent(part.snapshot, group: group, dependencies: part.dependencies)
            {
                next[group] = part
                continue
            }
            let ingresses = group.compactMap { inputs.ingresses[$0] }
            let dependencies = builder.dependencies(of: ingresses)
            next[group] = translated(builder.snapshot(ingresses: ingresses, dependencies: dependencies), dependencies, now: now)
        }
        parts = next
        let defaultSnapshot = builder.defaultCertificateSnapshot()
        if defaultCertificate.map({ $0.snapshot != defaultSnapshot || !isFresh($0, now: now) }) ?? true {
            defaultCertificate = translated(defaultSnapshot, ComponentDependencies(serviceKeys: [], secretKeys: []), now: now)
        }
        return merged()
    }

    private func isFresh(_ part: Part, now: Date) -> Bool {
        now.timeIntervalSince(part.madeAt) < maximumReuseAge && now >= part.madeAt
    }

    private mutating func translated(_ snapshot: ClusterSnapshot, _ dependencies: ComponentDependencies, now: Date) -> Part {
        lastTranslatedGroups += 1
        return Part(
            snapshot: snapshot, dependencies: dependencies,
            result: IngressTranslator.translate(snapshot, options: options, now: now), madeAt: now)
    }

    /// The groups' translations as one: routes in host order (each host lives in one group),
    /// every group's certificates, diagnostics without repeats (a Secret's problem may be found
    /// by several groups) in a fixed order, owned Ingresses and referenced Secrets united.
    private func merged() -> TranslationResult {
        var runs: [HostRun] = []
        var certificates: [String: ServingCertificate] = [:]
        var defaultBackend: Route?
        var diagnostics = Set<Diagnostic>()
        var owned: [String] = []
        var referenced = Set<String>()
        for part in Array(parts.values) + (defaultCertificate.map { [$0] } ?? []) {
            let result = part.result
            HostRun.append(result.table.routes, to: &runs)
            for (name, certificate) in result.table.certificates.exact { certificates[name] = certificate }
            for (suffix, certificate) in result.table.certificates.wildcard { certificates["*" + suffix] = certificate }
            if let route = result.table.defaultBackend { defaultBackend = route }
            diagnostics.formUnion(result.diagnostics)
            owned += result.ownedIngresses
            referenced.formUnion(result.referencedSecrets)
        }
        runs.sort { $0.key < $1.key }
        let table = RoutingTable(
            orderedRoutes: runs.flatMap(\.routes), defaultBackend: defaultBackend,
            certificates: CertificateTable(
                hosts: certificates, defaultCertificate: defaultCertificate?.result.table.certificates.defaultCertificate))
        return TranslationResult(
            table: table, diagnostics: diagnostics.sorted(by: Diagnostic.inFixedOrder), ownedIngresses: owned.sorted(),
            referencedSecrets: referenced)
    }
}

/// One host's routes in a table (tables keep each host's routes together, hosts in order).
private struct HostRun {
    /// `HostMatch`'s order, computed once.
    var key: (Int, String)
    var routes: ArraySlice<Route>

    static func append(_ routes: [Route], to runs: inout [HostRun]) {
        var start = routes.startIndex
        while start < routes.endIndex {
            let host = routes[start].host
            var end = start + 1
            while end < routes.endIndex, routes[end].host == host { end += 1 }
            runs.append(HostRun(key: host.sortKey, routes: routes[start..<end]))
            start = end
        }
    }
}

extension Diagnostic {
    /// An order that does not depend on how the diagnostics were found.
    static func inFixedOrder(_ a: Diagnostic, _ b: Diagnostic) -> Bool {
        (a.namespace, a.name, a.kind, a.reason, a.message) < (b.namespace, b.name, b.kind, b.reason, b.message)
    }
}
