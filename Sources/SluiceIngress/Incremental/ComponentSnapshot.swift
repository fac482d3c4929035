import KubeModels

/// What one group of Ingresses (``TranslationComponents``) can read besides its Ingresses and
/// the IngressClasses: the Services its backends name (with their EndpointSlices) and the Secrets
/// it may name (`spec.tls`, or an annotation whose value is `name` or `namespace/name` of a
/// Secret — a superset of what it references, which changes nothing). Derived from the Ingresses
/// alone, so it stays right for as long as they do.
struct ComponentDependencies: Sendable {
    /// `namespace/name`, sorted.
    var serviceKeys: [String]
    /// `namespace/name`, sorted.
    var secretKeys: [String]
}

/// Cuts the cluster into the snapshot one group translates from, and tells whether a group's
/// last snapshot is still the one it would cut (without cutting it). Translation of a group's
/// snapshot equals that group's share of a whole translation.
struct ComponentSnapshotBuilder {
    let inputs: ClusterInputs
    let options: TranslationOptions
    let ingressClasses: [IngressClass]
    private let slices: EndpointSliceIndex

    init(inputs: ClusterInputs, options: TranslationOptions, ingressClasses: [IngressClass], slices: EndpointSliceIndex) {
        self.inputs = inputs
        self.options = options
        self.ingressClasses = ingressClasses
        self.slices = slices
    }

    func dependencies(of ingresses: [Ingress]) -> ComponentDependencies {
        var serviceKeys = Set<String>()
        var secretKeys = Set<String>()
        for ingress in ingresses {
            let namespace = ClusterInputs.namespace(ingress.metadata)
            if let service = ingress.spec?.defaultBackend?.service { serviceKeys.insert("\(namespace)/\(service.name)") }
            if let service = IngressAnnotations.defaultBackendService(ingress.metadata.annotations ?? [:]) {
                serviceKeys.insert("\(namespace)/\(service)")
            }
            for rule in ingress.spec?.rules ?? [] {
                for path in rule.http?.paths ?? [] {
                    if let service = path.backend.service { serviceKeys.insert("\(namespace)/\(service.name)") }
                }
            }
            for entry in ingress.spec?.tls ?? [] {
                if let name = entry.secretName, !name.isEmpty { secretKeys.insert("\(namespace)/\(name)") }
            }
            for raw in (ingress.metadata.annotations ?? [:]).values {
                let value = Substring(raw).trimmingCharacters(" \t")
                guard Self.mayNameASecret(value) else { continue }
                secretKeys.insert(value.contains("/") ? String(value) : "\(namespace)/\(String(value))")
            }
        }
        return ComponentDependencies(serviceKeys: serviceKeys.sorted(), secretKeys: secretKeys.sorted())
    }

    func snapshot(ingresses: [Ingress], dependencies: ComponentDependencies) -> ClusterSnapshot {
        ClusterSnapshot(
            ingresses: ingresses, ingressClasses: ingressClasses,
            services: dependencies.serviceKeys.compactMap { inputs.services[$0] },
            endpointSlices: dependencies.serviceKeys.flatMap(slices),
            secrets: dependencies.secretKeys.compactMap(inputs.secret),
            unloadedSecrets: unloadedSecrets(dependencies))
    }

    /// Whether ``snapshot(ingresses:dependencies:)`` for `group` would give `snapshot` again, the
    /// IngressClasses aside (the caller compares those once for all groups).
    func isCurrent(_ snapshot: ClusterSnapshot, group: [String], dependencies: ComponentDependencies) -> Bool {
        guard snapshot.ingresses.count == group.count else { return false }
        for (key, ingress) in zip(group, snapshot.ingresses) {
            guard let current = inputs.ingresses[key], current.sameTranslationInputs(as: ingress) else { return false }
        }
        return Self.sameSequence(dependencies.serviceKeys.lazy.compactMap { inputs.services[$0] }, snapshot.services)
            && Self.sameSequence(dependencies.serviceKeys.lazy.flatMap(slices), snapshot.endpointSlices)
            && Self.sameSequence(dependencies.secretKeys.lazy.compactMap(inputs.secret), snapshot.secrets)
            && sameUnloadedSecrets(dependencies, snapshot.unloadedSecrets)
    }

    /// `unloadedSecrets(dependencies) == stored`, without building the set.
    private func sameUnloadedSecrets(_ dependencies: ComponentDependencies, _ stored: Set<String>) -> Bool {
        var count = 0
        for key in dependencies.secretKeys where inputs.unloadedSecrets.contains(key) {
            guard stored.contains(key) else { return false }
            count += 1
        }
        if let key = options.defaultCertificateSecret, dependencies.secretKeys.firstIndex(of: key) == nil {
            guard stored.contains(key) else { return false }
            count += 1
        }
        return count == stored.count
    }

    /// The snapshot that judges the default certificate alone.
    func defaultCertificateSnapshot() -> ClusterSnapshot {
        guard let key = options.defaultCertificateSecret else { return ClusterSnapshot(ingressClasses: ingressClasses) }
        return ClusterSnapshot(
            ingressClasses: ingressClasses, secrets: inputs.secret(key).map { [$0] } ?? [],
            unloadedSecrets: inputs.unloadedSecrets.contains(key) ? [key] : [])
    }

    /// The snapshot that resolves `--default-backend-service` alone; nil: no such flag.
    func defaultBackendServiceSnapshot() -> ClusterSnapshot? {
        guard let key = options.defaultBackendService else { return nil }
        return ClusterSnapshot(
            ingressClasses: ingressClasses, services: inputs.services[key].map { [$0] } ?? [], endpointSlices: slices(key))
    }

    private func slices(_ serviceKey: String) -> [EndpointSlice] {
        slices.slices(of: serviceKey, in: inputs.endpointSlices)
    }

    /// The group's Secrets held without data, and the default certificate unless the group names
    /// it: that one is judged once for the whole table (``IncrementalTranslator``).
    private func unloadedSecrets(_ dependencies: ComponentDependencies) -> Set<String> {
        var unloaded = Set(dependencies.secretKeys.filter { inputs.unloadedSecrets.contains($0) })
        if let key = options.defaultCertificateSecret, dependencies.secretKeys.firstIndex(of: key) == nil {
            unloaded.insert(key)
        }
        return unloaded
    }

    private static func same<Object: KubeObject>(_ a: Object, _ b: Object) -> Bool {
        if let projected = a as? any TranslationInputs { return projected.sameTranslationInputs(as: b) }
        return a == b
    }

    /// A value that could be `name` or `namespace/name` of a Secret: no spaces, not too long.
    private static func mayNameASecret(_ value: Substring) -> Bool {
        !value.isEmpty && value.utf8.count <= 253 + 1 + 63 && !value.contains { $0.isWhitespace }
    }

    /// Element by element, by what translation reads of each (status and bookkeeping aside).
    private static func sameSequence<S: Sequence>(_ current: S, _ stored: [S.Element]) -> Bool
    where S.Element: KubeObject {
        var index = 0
        for element in current {
            guard index < stored.count, Self.same(element, stored[index]) else { return false }
            index += 1
        }
        return index == stored.count
    }
}
