import KubeModels

/// Everything translation reads: the cluster's (or the manifest directory's) objects of the five
/// kinds Sluice watches, as one immutable value.
public struct ClusterSnapshot: Sendable, Hashable {
    public var ingresses: [Ingress]
    public var ingressClasses: [IngressClass]
    public var services: [Service]
    public var endpointSlices: [EndpointSlice]
    public var secrets: [Secret]
    /// `namespace/name` of Secrets known to exist whose contents the source has not loaded (the
    /// controller holds only the data of Secrets some Ingress references, and fetches a Secret
    /// once one starts to). A reference to one gets no certificate and no Warning: the host is
    /// served with the default certificate until the data arrives. Not listed in ``secrets``.
    public var unloadedSecrets: Set<String>

    public init(
        ingresses: [Ingress] = [], ingressClasses: [IngressClass] = [], services: [Service] = [],
        endpointSlices: [EndpointSlice] = [], secrets: [Secret] = [], unloadedSecrets: Set<String> = []
    ) {
        self.ingresses = ingresses
        self.ingressClasses = ingressClasses
        self.services = services
        self.endpointSlices = endpointSlices
        self.secrets = secrets
        self.unloadedSecrets = unloadedSecrets
    }
}
