import KubeModels

/// A resource collection of the fake API server: an API group/version and a plural resource name.
public struct FakeKubeCollection: Hashable, Sendable, CustomStringConvertible {
    /// `networking.k8s.io/v1`, or `v1` for the core group.
    public var groupVersion: String
    /// `ingresses`.
    public var resource: String

    public init(groupVersion: String, resource: String) {
        self.groupVersion = groupVersion
        self.resource = resource
    }

    public init<T: KubeAPIResource>(_ type: T.Type) {
        self.init(groupVersion: T.groupVersion, resource: T.pluralName)
    }

    public static let ingresses = FakeKubeCollection(groupVersion: "networking.k8s.io/v1", resource: "ingresses")
    public static let ingressClasses = FakeKubeCollection(
        groupVersion: "networking.k8s.io/v1", resource: "ingressclasses")
    public static let services = FakeKubeCollection(groupVersion: "v1", resource: "services")
    public static let endpointSlices = FakeKubeCollection(
        groupVersion: "discovery.k8s.io/v1", resource: "endpointslices")
    public static let secrets = FakeKubeCollection(groupVersion: "v1", resource: "secrets")
    public static let events = FakeKubeCollection(groupVersion: "v1", resource: "events")
    public static let leases = FakeKubeCollection(groupVersion: "coordination.k8s.io/v1", resource: "leases")

    private static let kinds = [
        "ingresses": "Ingress", "ingressclasses": "IngressClass", "services": "Service",
        "endpointslices": "EndpointSlice", "secrets": "Secret", "events": "Event", "leases": "Lease",
        "configmaps": "ConfigMap", "pods": "Pod", "namespaces": "Namespace",
    ]

    /// The `kind` of objects in this collection.
    public var kind: String {
        if let known = Self.kinds[resource] { return known }
        let singular = resource.hasSuffix("s") ? String(resource.dropLast()) : resource
        return singular.prefix(1).uppercased() + singular.dropFirst()
    }

    /// Whether objects live in namespaces.
    public var isNamespaced: Bool { !["ingressclasses", "namespaces", "nodes"].contains(resource) }

    /// `ingresses.networking.k8s.io`: how Status messages name the resource.
    public var qualifiedResource: String {
        let group = groupVersion.split(separator: "/").dropLast().joined(separator: "/")
        return group.isEmpty ? resource : "\(resource).\(group)"
    }

    /// The collection's URL path, across all namespaces or in one.
    public func path(namespace: String? = nil) -> String {
        let root = groupVersion.contains("/") ? "/apis/\(groupVersion)" : "/api/\(groupVersion)"
        if let namespace { return "\(root)/namespaces/\(namespace)/\(resource)" }
        return "\(root)/\(resource)"
    }

    public var description: String { qualifiedResource }
}

/// Where one object lives in a collection.
struct FakeKubeObjectKey: Hashable, Comparable, Sendable {
    var namespace: String
    var name: String

    static func < (lhs: FakeKubeObjectKey, rhs: FakeKubeObjectKey) -> Bool {
        (lhs.namespace, lhs.name) < (rhs.namespace, rhs.name)
    }
}
