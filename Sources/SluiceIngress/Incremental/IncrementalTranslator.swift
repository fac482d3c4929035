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
/// When the inputs name what changed since the previous call (``ClusterInputs/changed``), a call
/// costs in proportion to what changed: the groups are re-formed around the changed Ingresses,
/// the groups that read a changed Service, EndpointSlice or Secret are found by index, and the
/// table is the previous one with those groups' hosts replaced (``MergedTranslation``).
/// Otherwise every group is formed and looked at.
///
/// A reused translation judged its certificates' validity at the time it was made: one older than
/// ``maximumReuseAge`` is made again, so an expiry is noticed within that much (plus the time to
/// the next call). When the oldest part reaches that age, a call looks at every group and makes
/// again those older than half of it, so that such calls come at most every half of it.
public struct IncrementalTranslator: Sendable {
    typealias Group = TranslationComponents.Group

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

    private var components: TranslationComponents?
    private var slices = EndpointSliceIndex([:])
    private var parts: [Group: Part] = [:]
    private var dependents = GroupDependents()
    private var ingressClasses: [IngressClass]?
    private var defaultCertificate: Part?
    /// `--default-backend-service` judged alone, like the default certificate: the groups are
    /// translated without it (each would resolve it again, from a snapshot without its Service).
    private var defaultBackendService: Part?
    private var merged = MergedTranslation()
    /// No part was made before this.
    private var oldestPart = Date.distantFuture

    /// How many groups the last call translated (the rest were reused).
    public private(set) var lastTranslatedGroups = 0

    public init(options: TranslationOptions) {
        self.options = options
    }

    public mutating func translate(_ inputs: ClusterInputs, now: Date = Date()) -> TranslationResult {
        lastTranslatedGroups = 0
        let classes = inputs.ingressClasses.sorted { $0.key < $1.key }.map(\.value)
        let selection = IngressClassSelection(classes: classes, options: options)
        let classesUnchanged = ingressClasses == classes
        ingressClasses = classes
        let agedPass = now.timeIntervalSince(oldestPart) >= maximumReuseAge || now < oldestPart && !parts.isEmpty
        let freshness = agedPass ? maximumReuseAge / 2 : maximumReuseAge

        let formed: Set<Group>
        let dissolved: Set<Group>
        let candidates: Set<Group>
        var fullPass = true
        if let changed = inputs.changed, !changed.everything, classesUnchanged, !agedPass, components != nil {
            fullPass = false
            slices.update(changed.endpointSlices, in: inputs.endpointSlices)
            // In place: a copy of the components would copy their indexes whole.
            let regrouped = components!.update(
                changed: changed.ingresses, in: inputs.ingresses, isServed: selection.isServed)
            formed = Set(regrouped.formed)
            dissolved = regrouped.dissolved
            candidates = formed.union(dependents.groups(reading: changed).subtracting(dissolved))
        } else {
            slices = EndpointSliceIndex(inputs.endpointSlices)
            let groups = TranslationComponents(inputs.ingresses, isServed: selection.isServed)
            components = groups
            formed = Set(groups.groups)
            dissolved = Set(parts.keys)
            candidates = formed
            oldestPart = now
        }

        let builder = ComponentSnapshotBuilder(inputs: inputs, options: options, ingressClasses: classes, slices: slices)
        var removed: [TranslationResult] = []
        var added: [TranslationResult] = []
        for group in dissolved.subtracting(formed) {
            guard let part = parts.removeValue(forKey: group) else { continue }
            dependents.remove(group, part.dependencies)
            removed.append(part.result)
        }
        for group in candidates {
            let old = parts[group]
            if classesUnchanged, let part = old, isFresh(part, now: now, within: freshness),
                inputs.changed?.spares(group: group, part.dependencies) == true
                    || builder.isCurrent(part.snapshot, group: group, dependencies: part.dependencies)
            {
                if fullPass { oldestPart = min(oldestPart, part.madeAt) }
                continue
            }
            let ingresses = group.compactMap { inputs.ingresses[$0] }
            let dependencies = builder.dependencies(of: ingresses)
            let part = translated(builder.snapshot(ingresses: ingresses, dependencies: dependencies), dependencies, now: now)
            if let old {
                dependents.remove(group, old.dependencies)
                removed.append(old.result)
            }
            parts[group] = part
            dependents.add(group, dependencies)
            added.append(part.result)
            oldestPart = min(oldestPart, now)
        }

        let defaultSnapshot = builder.defaultCertificateSnapshot()
        if defaultCertificate.map({ $0.snapshot != defaultSnapshot || !isFresh($0, now: now, within: maximumReuseAge) }) ?? true {
            if let old = defaultCertificate { removed.append(old.result) }
            let part = translated(defaultSnapshot, ComponentDependencies(serviceKeys: [], secretKeys: []), now: now)
            defaultCertificate = part
            added.append(part.result)
        }
        if let snapshot = builder.defaultBackendServiceSnapshot() {
            if defaultBackendService?.snapshot != snapshot {
                defaultBackendService = translated(
                    snapshot, ComponentDependencies(serviceKeys: [], secretKeys: []), now: now, options: options)
            }
        } else {
            defaultBackendService = nil
        }
        merged.replace(
            removed, with: added, defaultCertificate: defaultCertificate?.result.table.certificates.defaultCertificate,
            serviceDefaultBackend: defaultBackendService?.result.table.defaultBackend)
        return merged.result
    }

    private func isFresh(_ part: Part, now: Date, within age: TimeInterval) -> Bool {
        now.timeIntervalSince(part.madeAt) < age && now >= part.madeAt
    }

    /// Translates one group (or the default certificate, or the default backend Service with
    /// `options` given).
    private mutating func translated(
        _ snapshot: ClusterSnapshot, _ dependencies: ComponentDependencies, now: Date, options: TranslationOptions? = nil
    ) -> Part {
        lastTranslatedGroups += 1
        var groupOptions = self.options
        groupOptions.defaultBackendService = nil
        return Part(
            snapshot: snapshot, dependencies: dependencies,
            result: IngressTranslator.translate(snapshot, options: options ?? groupOptions, now: now), madeAt: now)
    }
}

/// The groups that read each Service (with its EndpointSlices) and each Secret.
private struct GroupDependents {
    private var byService: [String: SmallSet<IncrementalTranslator.Group>] = [:]
    private var bySecret: [String: SmallSet<IncrementalTranslator.Group>] = [:]

    /// The groups that read something `changed` names.
    func groups(reading changed: ChangedKeys) -> Set<IncrementalTranslator.Group> {
        var groups = Set<IncrementalTranslator.Group>()
        for key in changed.services.union(changed.endpointSliceServices) { groups.formUnion(byService[key] ?? .many([])) }
        for key in changed.secrets { groups.formUnion(bySecret[key] ?? .many([])) }
        return groups
    }

    mutating func add(_ group: IncrementalTranslator.Group, _ dependencies: ComponentDependencies) {
        for key in dependencies.serviceKeys { byService.insert(group, at: key) }
        for key in dependencies.secretKeys { bySecret.insert(group, at: key) }
    }

    mutating func remove(_ group: IncrementalTranslator.Group, _ dependencies: ComponentDependencies) {
        for key in dependencies.serviceKeys { byService.remove(group, at: key) }
        for key in dependencies.secretKeys { bySecret.remove(group, at: key) }
    }
}
