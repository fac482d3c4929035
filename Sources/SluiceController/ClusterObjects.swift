import KubeModels
import SluiceIngress

/// The controller's view of the cluster: every watched object by `namespace/name`, per kind. A
/// pure value; ``ObjectCache`` holds the live one.
public struct ClusterObjects: Sendable, Hashable {
    public var ingresses: ObjectMap<Ingress> = [:]
    public var ingressClasses: ObjectMap<IngressClass> = [:]
    public var services: ObjectMap<Service> = [:]
    public var endpointSlices: ObjectMap<EndpointSlice> = [:]
    /// `kubernetes.io/tls` Secrets.
    public var secrets: ObjectMap<Secret> = [:]
    /// `Opaque` Secrets: a `proxy-ssl-secret` or `auth-tls-secret` may be one (its `ca.crt`). Nearly all are held as
    /// stubs, since no Ingress references them.
    public var opaqueSecrets: ObjectMap<Secret> = [:]
    /// The `--publish-service` Service when it lies outside the watched namespace.
    public var publishServices: ObjectMap<Service> = [:]
    /// The `--default-ssl-certificate` Secret when it lies outside the watched namespace.
    public var defaultCertificateSecrets: ObjectMap<Secret> = [:]
    /// `namespace/name` of the Secrets (in any slot) held as stubs, without their data: no
    /// Ingress of ours references them, or their data is being fetched (``SecretRetention``).
    public var withheldSecrets: Set<String> = []

    public init() {}

    /// What translation reads, in a deterministic order; Secrets held as stubs are listed as
    /// unloaded, not as Secrets.
    public var snapshot: ClusterSnapshot {
        ClusterSnapshot(
            ingresses: Self.sorted(ingresses), ingressClasses: Self.sorted(ingressClasses),
            services: Self.sorted(services), endpointSlices: Self.sorted(endpointSlices),
            secrets: Self.sorted(
                secrets.dictionary.merging(defaultCertificateSecrets.dictionary) { watched, _ in watched }
                    .merging(opaqueSecrets.dictionary) { tls, _ in tls }.filter {
                    !withheldSecrets.contains($0.key)
                }),
            unloadedSecrets: withheldSecrets)
    }

    /// What translation reads, as the cache holds it (nothing sorted or copied): the same objects
    /// as ``snapshot``; `changed`: what changed since the previous rebuild's (nil: unknown).
    public func inputs(changed: ChangedKeys?) -> ClusterInputs {
        ClusterInputs(
            ingresses: ingresses, ingressClasses: ingressClasses, services: services, endpointSlices: endpointSlices,
            secretSlots: [secrets, defaultCertificateSecrets, opaqueSecrets], unloadedSecrets: withheldSecrets,
            changed: changed)
    }

    /// The Service `namespace/name`, from whichever slot holds it.
    public func service(_ key: String) -> Service? {
        services[key] ?? publishServices[key]
    }

    private static func sorted<T>(_ objects: some Sequence<(key: String, value: T)>) -> [T] {
        objects.sorted { $0.key < $1.key }.map(\.value)
    }
}

/// Where one reflector's objects live in ``ClusterObjects``. Key paths to stored properties of a
/// Sendable value capture nothing, so they are Sendable.
public typealias ClusterObjectsSlot<Object: KubeObject> = WritableKeyPath<ClusterObjects, ObjectMap<Object>> & Sendable

extension ClusterObjects {
    /// Replaces the whole slot (after a LIST). Returns what changed.
    mutating func replace<Object: KubeObject>(_ items: [Object], in slot: ClusterObjectsSlot<Object>) -> CacheChange {
        var fresh = ObjectMap<Object>()
        for item in items { fresh[item.namespacedName] = item }
        let change = CacheChange.between(self[keyPath: slot], fresh)
        if change != .none { self[keyPath: slot] = fresh }
        return change
    }

    /// Adds or replaces one object. Returns what changed.
    mutating func upsert<Object: KubeObject>(_ object: Object, in slot: ClusterObjectsSlot<Object>) -> CacheChange {
        let key = object.namespacedName
        let change = CacheChange.between(self[keyPath: slot][key], object)
        if change != .none { self[keyPath: slot][key] = object }
        return change
    }

    /// Removes one object. Returns whether anything changed.
    mutating func delete<Object: KubeObject>(_ object: Object, in slot: ClusterObjectsSlot<Object>) -> Bool {
        self[keyPath: slot].removeValue(forKey: object.namespacedName) != nil
    }
}
