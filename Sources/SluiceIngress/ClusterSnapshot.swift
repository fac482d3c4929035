import KubeModels

/// Everything translation reads: the cluster's (or the manifest directory's) objects of the five
/// kinds Sluice watches, as one immutable value.
public struct ClusterSnapshot: Sendable, Hashable {
    public var ingresses: [Ingress]
    public var ingressClasses: [IngressClass]
    public var services: [Service]
    public var endpointSlices: [EndpointSlice]
    public var secrets: [Secret]

    public init(
        ingresses: [Ingress] = [], ingressClasses: [IngressClass] = [], services: [Service] = [],
        endpointSlices: [EndpointSlice] = [], secrets: [Secret] = []
    ) {
        self.ingresses = ingresses
        self.ingressClasses = ingressClasses
        self.services = services
        self.endpointSlices = endpointSlices
        self.secrets = secrets
    }
}
