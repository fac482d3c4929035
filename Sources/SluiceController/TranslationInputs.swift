import KubeModels

/// What a write to the cache means for the controller: nothing, work for the status writer
/// alone, or a possibly different routing table.
enum CacheChange: Comparable, Sendable {
    case none
    /// Only fields translation never reads changed: an Ingress's status (our own status writes
    /// come back as watch events), a Service's load-balancer status (the `--publish-service`
    /// one feeds the status writer), the server's bookkeeping (`resourceVersion`, `generation`),
    /// an EndpointSlice's annotations (its last-change trigger time moves on every update).
    case statusOnly
    case translationInput

    /// How `new` differs from `old` (nil: absent).
    static func between<Object: KubeObject>(_ old: Object?, _ new: Object?) -> CacheChange {
        guard old != new else { return .none }
        guard let old, let new else { return .translationInput }
        guard let projected = old as? any TranslationInputs else { return .translationInput }
        return projected.sameTranslationInputs(as: new) ? .statusOnly : .translationInput
    }

    /// How the slot's objects `fresh` differ from `current` (a LIST).
    static func between<Object: KubeObject>(_ current: ObjectMap<Object>, _ fresh: ObjectMap<Object>) -> CacheChange {
        guard current != fresh else { return .none }
        guard current.count == fresh.count else { return .translationInput }
        var change = CacheChange.none
        for (key, object) in fresh {
            change = max(change, between(current[key], object))
            if change == .translationInput { break }
        }
        return change
    }
}

/// An object that knows which of its fields translation reads: ``translationInputs`` is the
/// object with every other field cleared. `apiVersion` and `kind` are among them: a watch event's
/// object carries both, a LIST's items neither.
protocol TranslationInputs: KubeObject {
    var translationInputs: Self { get }
}

extension TranslationInputs {
    /// Whether `other` (of any type) is a `Self` with the same translation inputs.
    func sameTranslationInputs(as other: some KubeObject) -> Bool {
        guard let other = other as? Self else { return false }
        return translationInputs == other.translationInputs
    }
}

extension ObjectMeta {
    /// Without the fields the API server maintains for its own use.
    fileprivate var withoutBookkeeping: ObjectMeta {
        var meta = self
        meta.resourceVersion = nil
        meta.generation = nil
        return meta
    }
}

extension Ingress: TranslationInputs {
    var translationInputs: Ingress {
        var ingress = self
        ingress.metadata = metadata.withoutBookkeeping
        (ingress.apiVersion, ingress.kind) = (nil, nil)
        ingress.status = nil
        return ingress
    }
}

extension Service: TranslationInputs {
    var translationInputs: Service {
        var service = self
        service.metadata = metadata.withoutBookkeeping
        (service.apiVersion, service.kind) = (nil, nil)
        service.status = nil
        return service
    }
}

extension EndpointSlice: TranslationInputs {
    var translationInputs: EndpointSlice {
        var slice = self
        slice.metadata = metadata.withoutBookkeeping
        (slice.apiVersion, slice.kind) = (nil, nil)
        slice.metadata.annotations = nil
        return slice
    }
}

extension IngressClass: TranslationInputs {
    var translationInputs: IngressClass {
        var ingressClass = self
        ingressClass.metadata = metadata.withoutBookkeeping
        (ingressClass.apiVersion, ingressClass.kind) = (nil, nil)
        return ingressClass
    }
}
