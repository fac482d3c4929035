/// A URL path in the Kubernetes API: a collection (`/apis/networking.k8s.io/v1/ingresses`), one
/// object (`.../namespaces/NS/ingresses/NAME`) or its subresource (`.../NAME/status`).
///
/// Core kinds (empty ``group``) live under `/api/v1`, the others under `/apis/GROUP/VERSION`.
public struct KubeResourcePath: Sendable, Hashable, CustomStringConvertible {
    /// API group, empty for the core group.
    public var group: String
    public var version: String
    /// Lowercase plural: `ingresses`.
    public var resource: String
    /// Nil for cluster-scoped kinds and for lists across all namespaces.
    public var namespace: String?
    public var name: String?
    public var subresource: String?

    public init(
        group: String, version: String, resource: String, namespace: String? = nil, name: String? = nil,
        subresource: String? = nil
    ) {
        self.group = group
        self.version = version
        self.resource = resource
        self.namespace = namespace
        self.name = name
        self.subresource = subresource
    }

    public static let ingresses = KubeResourcePath(group: "networking.k8s.io", version: "v1", resource: "ingresses")
    public static let ingressClasses = KubeResourcePath(
        group: "networking.k8s.io", version: "v1", resource: "ingressclasses")
    public static let services = KubeResourcePath(group: "", version: "v1", resource: "services")
    public static let endpointSlices = KubeResourcePath(
        group: "discovery.k8s.io", version: "v1", resource: "endpointslices")
    public static let secrets = KubeResourcePath(group: "", version: "v1", resource: "secrets")
    public static let events = KubeResourcePath(group: "", version: "v1", resource: "events")
    public static let leases = KubeResourcePath(group: "coordination.k8s.io", version: "v1", resource: "leases")

    /// The same path in one namespace.
    public func namespace(_ namespace: String?) -> KubeResourcePath {
        var copy = self
        copy.namespace = namespace
        return copy
    }

    /// The path of one object of this collection.
    public func named(_ name: String) -> KubeResourcePath {
        var copy = self
        copy.name = name
        return copy
    }

    /// The path of a subresource (`status`) of the named object.
    public func subresource(_ subresource: String) -> KubeResourcePath {
        var copy = self
        copy.subresource = subresource
        return copy
    }

    /// `group/version`, or `version` for the core group: the `apiVersion` of objects here.
    public var groupVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// `ingresses.networking.k8s.io`, `services`, with `/status` when a subresource is set: how
    /// RBAC and error messages name the resource.
    public var qualifiedResource: String {
        let base = group.isEmpty ? resource : "\(resource).\(group)"
        return subresource.map { "\(base)/\($0)" } ?? base
    }

    /// The URL path, percent-encoding nothing: names and namespaces are DNS labels.
    public var path: String {
        var path = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
        if let namespace, !namespace.isEmpty { path += "/namespaces/\(namespace)" }
        path += "/\(resource)"
        if let name {
            path += "/\(name)"
            if let subresource { path += "/\(subresource)" }
        }
        return path
    }

    public var description: String { path }
}
