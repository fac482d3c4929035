import KubeModels
import SluiceRouting

/// An Ingress of our class, as the build processes it.
struct ServedIngress: Sendable {
    /// Position in age order, oldest first (`IngressAge`): the first to claim something keeps it.
    var rank: Int
    var ingress: Ingress
    /// What the Ingress's annotations ask of each of its routes; `.default` until
    /// `AnnotationPolicyProcessor` has read them.
    var policy: RoutePolicy = .default
    /// `from-to-www-redirect` (`WWWRedirectProcessor`).
    var redirectsWWW = false
    /// The `default-backend` annotation's Service, once `AnnotationPolicyProcessor` read it.
    var defaultBackend: BackendReference?

    var namespace: String { ingress.namespaceOrDefault }
    var key: String { ingress.key }
}
