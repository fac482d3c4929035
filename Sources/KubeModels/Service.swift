/// `v1` Service: the ports an Ingress backend names, and ExternalName targets.
public struct Service: KubeAPIResource {
    public static let groupVersion = "v1"
    public static let kindName = "Service"
    public static let pluralName = "services"

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: ServiceSpec?
    public var status: ServiceStatus?

    public init(
        apiVersion: String? = Service.groupVersion, kind: String? = Service.kindName,
        metadata: ObjectMeta, spec: ServiceSpec? = nil, status: ServiceStatus? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }
}

public struct ServiceSpec: Codable, Hashable, Sendable {
    /// `ClusterIP` (absent means this), `NodePort`, `LoadBalancer` or `ExternalName`.
    public var type: String?
    public var clusterIP: String?
    /// The DNS name an `ExternalName` Service points at.
    public var externalName: String?
    public var ports: [ServicePort]?

    public init(type: String? = nil, clusterIP: String? = nil, externalName: String? = nil, ports: [ServicePort]? = nil) {
        self.type = type
        self.clusterIP = clusterIP
        self.externalName = externalName
        self.ports = ports
    }

    public var isExternalName: Bool { type == "ExternalName" }
}

public struct ServicePort: Codable, Hashable, Sendable {
    /// Required when a Service has more than one port; matches the EndpointSlice port name.
    public var name: String?
    public var port: Int
    /// The pod port, by number or by container port name.
    public var targetPort: IntOrString?
    public var `protocol`: String?

    public init(name: String? = nil, port: Int, targetPort: IntOrString? = nil, protocol: String? = nil) {
        self.name = name
        self.port = port
        self.targetPort = targetPort
        self.protocol = `protocol`
    }
}

public struct ServiceStatus: Codable, Hashable, Sendable {
    public var loadBalancer: LoadBalancerStatus?

    public init(loadBalancer: LoadBalancerStatus? = nil) {
        self.loadBalancer = loadBalancer
    }
}
