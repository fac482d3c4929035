/// `networking.k8s.io/v1` IngressClass (cluster-scoped): which controller serves a class, and
/// whether it is the cluster's default.
public struct IngressClass: KubeAPIResource {
    public static let groupVersion = "networking.k8s.io/v1"
    public static let kindName = "IngressClass"
    public static let pluralName = "ingressclasses"
    public static let isNamespaced = false

    /// The annotation that marks the default class; its value must be exactly `"true"`.
    public static let isDefaultClassAnnotation = "ingressclass.kubernetes.io/is-default-class"

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: IngressClassSpec?

    public init(
        apiVersion: String? = IngressClass.groupVersion, kind: String? = IngressClass.kindName,
        metadata: ObjectMeta, spec: IngressClassSpec? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.spec = spec
    }

    /// Whether `ingressclass.kubernetes.io/is-default-class` is `"true"`.
    public var isDefaultClass: Bool {
        metadata.annotations?[Self.isDefaultClassAnnotation] == "true"
    }
}

public struct IngressClassSpec: Codable, Hashable, Sendable {
    /// The controller that serves this class: `sluice.io/ingress-controller` for Sluice.
    public var controller: String?

    public init(controller: String? = nil) {
        self.controller = controller
    }
}
