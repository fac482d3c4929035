import KubeModels

/// Decides which Ingresses are Sluice's, in this order:
///
/// 1. The legacy annotation `kubernetes.io/ingress.class`, when present, decides alone: ours iff
///    it equals `TranslationOptions.ingressClass`.
/// 2. `spec.ingressClassName` names an IngressClass whose `spec.controller` is
///    `TranslationOptions.controllerName`.
/// 3. No class at all, and an IngressClass of ours is marked default
///    (`ingressclass.kubernetes.io/is-default-class: "true"`).
///
/// Standalone convenience, only with `TranslationOptions.servesClasslessWithoutIngressClasses`
/// (`sluice serve`/`demo`, never the controller): when the snapshot holds no IngressClass objects
/// at all (a manifest directory usually has none), an Ingress without a class, or whose
/// `ingressClassName` equals `TranslationOptions.ingressClass`, is served as well.
struct IngressClassSelection {
    static let legacyClassAnnotation = "kubernetes.io/ingress.class"

    private let options: TranslationOptions
    private let ourClassNames: Set<String>
    private let weAreDefault: Bool
    /// The standalone convenience applies: it is enabled and there are no IngressClasses.
    private let servesWithoutClasses: Bool

    init(classes: [IngressClass], options: TranslationOptions) {
        self.options = options
        let ours = classes.filter { $0.spec?.controller == options.controllerName }
        self.ourClassNames = Set(ours.compactMap(\.metadata.name))
        self.weAreDefault = ours.contains { $0.isDefaultClass }
        self.servesWithoutClasses = options.servesClasslessWithoutIngressClasses && classes.isEmpty
    }

    func isServed(_ ingress: Ingress) -> Bool {
        if let watched = options.watchNamespace, ingress.namespaceOrDefault != watched { return false }
        if let legacy = ingress.metadata.annotations?[Self.legacyClassAnnotation] {
            return legacy == options.ingressClass
        }
        if let className = ingress.spec?.ingressClassName, !className.isEmpty {
            if ourClassNames.contains(className) { return true }
            return servesWithoutClasses && className == options.ingressClass
        }
        return weAreDefault || servesWithoutClasses
    }
}

extension Ingress {
    /// `metadata.namespace`, or `default` when absent (as `kubectl apply` would place it).
    var namespaceOrDefault: String {
        if let ns = metadata.namespace, !ns.isEmpty { return ns }
        return "default"
    }

    var nameOrEmpty: String { metadata.name ?? "" }

    var key: String { "\(namespaceOrDefault)/\(nameOrEmpty)" }
}
