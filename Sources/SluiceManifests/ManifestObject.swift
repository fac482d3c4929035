import KubeModels
import SluiceIngress

/// One object read from a manifest, of a kind Sluice uses.
public enum ManifestObject: Sendable, Hashable {
    case ingress(Ingress)
    case ingressClass(IngressClass)
    case service(Service)
    case endpointSlice(EndpointSlice)
    case secret(Secret)
}

extension ClusterSnapshot {
    /// A snapshot holding exactly `objects`, in order.
    public init(objects: [ManifestObject]) {
        self.init()
        for object in objects {
            switch object {
            case .ingress(let o): ingresses.append(o)
            case .ingressClass(let o): ingressClasses.append(o)
            case .service(let o): services.append(o)
            case .endpointSlice(let o): endpointSlices.append(o)
            case .secret(let o): secrets.append(o)
            }
        }
    }
}
