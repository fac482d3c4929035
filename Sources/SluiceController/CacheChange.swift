import KubeModels
import SluiceIngress

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

extension ChangedKeys {
    /// Everything changed (nothing taken yet).
    static var all: ChangedKeys {
        var keys = ChangedKeys()
        keys.everything = true
        return keys
    }

    /// Records a write that changed what translation reads, from `old` to `new` (nil: absent).
    mutating func record<Object: KubeObject>(_ old: Object?, _ new: Object?) {
        for object in [old, new].compactMap({ $0 }) {
            switch object {
            case let ingress as Ingress: ingresses.insert(ClusterInputs.key(ingress.metadata))
            case let service as Service: services.insert(ClusterInputs.key(service.metadata))
            case let slice as EndpointSlice:
                endpointSlices.insert(ClusterInputs.key(slice.metadata))
                if let service = slice.serviceName {
                    endpointSliceServices.insert("\(ClusterInputs.namespace(slice.metadata))/\(service)")
                }
            case let secret as Secret: secrets.insert(ClusterInputs.key(secret.metadata))
            default: everything = true
            }
        }
    }
}
