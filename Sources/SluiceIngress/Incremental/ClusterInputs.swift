import KubeModels

/// Everything translation may read, indexed by `namespace/name` as the controller's cache holds
/// it: nothing is sorted or copied per change (``ClusterSnapshot`` is the sorted, flat form a
/// whole translation reads).
public struct ClusterInputs: Sendable {
    public var ingresses: ObjectMap<Ingress>
    public var ingressClasses: ObjectMap<IngressClass>
    public var services: ObjectMap<Service>
    public var endpointSlices: ObjectMap<EndpointSlice>
    /// Secrets, looked up in order: the first slot holding a key wins.
    public var secretSlots: [ObjectMap<Secret>]
    /// `namespace/name` of Secrets held without their data.
    public var unloadedSecrets: Set<String>
    /// What changed, in what translation reads, since the inputs of the previous call; nil:
    /// unknown (everything is looked at).
    public var changed: ChangedKeys?

    public init(
        ingresses: ObjectMap<Ingress> = [:], ingressClasses: ObjectMap<IngressClass> = [:],
        services: ObjectMap<Service> = [:], endpointSlices: ObjectMap<EndpointSlice> = [:],
        secretSlots: [ObjectMap<Secret>] = [], unloadedSecrets: Set<String> = [], changed: ChangedKeys? = nil
    ) {
        self.ingresses = ingresses
        self.ingressClasses = ingressClasses
        self.services = services
        self.endpointSlices = endpointSlices
        self.secretSlots = secretSlots
        self.unloadedSecrets = unloadedSecrets
        self.changed = changed
    }

    /// The same objects as `snapshot`.
    public init(_ snapshot: ClusterSnapshot) {
        func keyed<T: KubeObject>(_ objects: [T]) -> ObjectMap<T> {
            var map = ObjectMap<T>()
            for object in objects where map[Self.key(object.metadata)] == nil { map[Self.key(object.metadata)] = object }
            return map
        }
        self.init(
            ingresses: keyed(snapshot.ingresses), ingressClasses: keyed(snapshot.ingressClasses),
            services: keyed(snapshot.services), endpointSlices: keyed(snapshot.endpointSlices),
            secretSlots: [keyed(snapshot.secrets)], unloadedSecrets: snapshot.unloadedSecrets)
    }

    /// An object's namespace as translation reads it: absent or empty is `default`.
    public static func namespace(_ metadata: ObjectMeta) -> String {
        if let namespace = metadata.namespace, !namespace.isEmpty { return namespace }
        return "default"
    }

    /// `namespace/name` as translation looks objects up.
    public static func key(_ metadata: ObjectMeta) -> String { "\(namespace(metadata))/\(metadata.name ?? "")" }

    /// The Secret `namespace/name`, unless it is held without its data.
    func secret(_ key: String) -> Secret? {
        guard !unloadedSecrets.contains(key) else { return nil }
        for slot in secretSlots {
            if let secret = slot[key] { return secret }
        }
        return nil
    }
}

/// The objects whose translation inputs changed between two calls, by `namespace/name`: what the
/// controller's cache records as watch events arrive. A group none of whose Ingresses and
/// dependencies is named keeps its translation without a look at its inputs.
public struct ChangedKeys: Sendable, Hashable {
    public var ingresses: Set<String> = []
    public var services: Set<String> = []
    /// The EndpointSlices (`namespace/name`) that changed.
    public var endpointSlices: Set<String> = []
    /// The Services (`namespace/name`) whose EndpointSlices changed: of each slice in
    /// `endpointSlices`, the Service before and after the change.
    public var endpointSliceServices: Set<String> = []
    public var secrets: Set<String> = []
    /// A change that cannot be named by key (a LIST, an IngressClass, the Secrets' retention).
    public var everything = false

    public init() {}

    public var isEmpty: Bool {
        !everything && ingresses.isEmpty && services.isEmpty && endpointSlices.isEmpty && secrets.isEmpty
    }

    /// Whether nothing a group with these Ingresses and dependencies reads is named.
    func spares(group: [String], _ dependencies: ComponentDependencies) -> Bool {
        !everything && !group.contains(where: ingresses.contains)
            && !dependencies.serviceKeys.contains(where: { services.contains($0) || endpointSliceServices.contains($0) })
            && !dependencies.secretKeys.contains(where: secrets.contains)
    }
}
