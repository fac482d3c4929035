import KubeModels

/// An object that knows which of its fields translation reads: ``translationInputs`` is the
/// object with every other field cleared (`apiVersion` and `kind` too: a watch event's object
/// carries both, a LIST's items neither).
public protocol TranslationInputs: KubeObject {
    var translationInputs: Self { get }
}

extension TranslationInputs {
    /// Whether `other` (of any type) is a `Self` with the same translation inputs.
    public func sameTranslationInputs(as other: some KubeObject) -> Bool {
        guard let other = other as? Self else { return false }
        return self == other || translationInputs == other.translationInputs
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
    public var translationInputs: Ingress {
        var ingress = self
        ingress.metadata = metadata.withoutBookkeeping
        (ingress.apiVersion, ingress.kind) = (nil, nil)
        ingress.status = nil
        return ingress
    }
}

extension Service: TranslationInputs {
    public var translationInputs: Service {
        var service = self
        service.metadata = metadata.withoutBookkeeping
        (service.apiVersion, service.kind) = (nil, nil)
        service.status = nil
        return service
    }
}

extension EndpointSlice: TranslationInputs {
    public var translationInputs: EndpointSlice {
        var slice = self
        slice.metadata = metadata.withoutBookkeeping
        (slice.apiVersion, slice.kind) = (nil, nil)
        slice.metadata.annotations = nil
        return slice
    }
}

extension IngressClass: TranslationInputs {
    public var translationInputs: IngressClass {
        var ingressClass = self
        ingressClass.metadata = metadata.withoutBookkeeping
        (ingressClass.apiVersion, ingressClass.kind) = (nil, nil)
        return ingressClass
    }
}
