/// Where a kind lives in the Kubernetes API: enough to build LIST/WATCH paths
/// (`/apis/<groupVersion>/namespaces/NS/<plural>`, core kinds under `/api/v1`) and to check
/// the `apiVersion`/`kind` of a manifest.
public protocol KubeAPIResource: KubeObject {
    /// `apiVersion` as written in objects: `networking.k8s.io/v1`, or `v1` for the core group.
    static var groupVersion: String { get }
    /// `kind` as written in objects: `Ingress`.
    static var kindName: String { get }
    /// The lowercase plural used in URLs: `ingresses`.
    static var pluralName: String { get }
    /// Whether objects live in a namespace (IngressClass does not).
    static var isNamespaced: Bool { get }
}

extension KubeAPIResource {
    public static var isNamespaced: Bool { true }

    /// The URL path of the collection: `/apis/networking.k8s.io/v1/namespaces/NS/ingresses`, or
    /// across all namespaces when `namespace` is nil.
    public static func collectionPath(namespace: String? = nil) -> String {
        let root = groupVersion.contains("/") ? "/apis/\(groupVersion)" : "/api/\(groupVersion)"
        if let namespace, isNamespaced { return "\(root)/namespaces/\(namespace)/\(pluralName)" }
        return "\(root)/\(pluralName)"
    }
}
