/// Which Ingresses are ours, and where to look for them.
public struct TranslationOptions: Sendable, Hashable {
    /// The class name matched by the legacy `kubernetes.io/ingress.class` annotation (and, with
    /// `servesClasslessWithoutIngressClasses`, by `spec.ingressClassName` when the snapshot holds
    /// no IngressClass objects at all).
    public var ingressClass: String
    /// The `spec.controller` value of IngressClasses Sluice serves.
    public var controllerName: String
    /// Only Ingresses in this namespace are served; `nil` means all namespaces.
    public var watchNamespace: String?
    /// The standalone convenience, for manifest directories (`sluice serve`, `sluice demo`), which
    /// usually hold no IngressClass: when the snapshot has no IngressClass objects at all, an
    /// Ingress without a class, or whose `ingressClassName` equals `ingressClass`, is served.
    /// Keep it `false` in a cluster: there, a class-less Ingress is ours only while our
    /// IngressClass is the default (or the legacy annotation names our class).
    public var servesClasslessWithoutIngressClasses: Bool
    /// `--allow-unsupported-security-annotations`: an Ingress carrying an ingress-nginx
    /// annotation that guards access and that Sluice does not honour (`NginxAnnotation.table`)
    /// is served anyway, without that protection, instead of failing closed. A Warning names the
    /// annotations either way.
    public var allowsUnsupportedSecurityAnnotations: Bool
    /// `--default-ssl-certificate`: the `kubernetes.io/tls` Secret (`namespace/name`) served to
    /// TLS clients whose server name no `spec.tls` host has; nil, or a Secret that fails its
    /// checks: the listener's generated certificate.
    public var defaultCertificateSecret: String?
    /// `--default-backend-service`: the Service (`namespace/name`, one port) that answers requests
    /// no route matches when no Ingress has a `spec.defaultBackend` (which wins), and makes the
    /// `custom-http-errors` pages of Ingresses without a `default-backend`; nil: Sluice's 404.
    public var defaultBackendService: String?

    public init(
        ingressClass: String = "sluice", controllerName: String = "sluice.io/ingress-controller",
        watchNamespace: String? = nil, servesClasslessWithoutIngressClasses: Bool = false,
        allowsUnsupportedSecurityAnnotations: Bool = false, defaultCertificateSecret: String? = nil,
        defaultBackendService: String? = nil
    ) {
        self.ingressClass = ingressClass
        self.controllerName = controllerName
        self.watchNamespace = watchNamespace
        self.servesClasslessWithoutIngressClasses = servesClasslessWithoutIngressClasses
        self.allowsUnsupportedSecurityAnnotations = allowsUnsupportedSecurityAnnotations
        self.defaultCertificateSecret = defaultCertificateSecret
        self.defaultBackendService = defaultBackendService
    }
}
