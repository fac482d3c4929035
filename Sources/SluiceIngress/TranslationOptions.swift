/// Which Ingresses are ours, and where to look for them.
public struct TranslationOptions: Sendable, Hashable {
    /// The class name matched by the legacy `kubernetes.io/ingress.class` annotation (and by
    /// `spec.ingressClassName` when the snapshot holds no IngressClass objects at all).
    public var ingressClass: String
    /// The `spec.controller` value of IngressClasses Sluice serves.
    public var controllerName: String
    /// Only Ingresses in this namespace are served; `nil` means all namespaces.
    public var watchNamespace: String?

    public init(
        ingressClass: String = "sluice", controllerName: String = "sluice.io/ingress-controller",
        watchNamespace: String? = nil
    ) {
        self.ingressClass = ingressClass
        self.controllerName = controllerName
        self.watchNamespace = watchNamespace
    }
}
