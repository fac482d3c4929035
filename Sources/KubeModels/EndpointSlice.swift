/// `discovery.k8s.io/v1` EndpointSlice: the pod addresses behind a Service, linked to it by the
/// `kubernetes.io/service-name` label.
public struct EndpointSlice: KubeAPIResource {
    public static let groupVersion = "discovery.k8s.io/v1"
    public static let kindName = "EndpointSlice"
    public static let pluralName = "endpointslices"

    /// The label naming the Service a slice belongs to.
    public static let serviceNameLabel = "kubernetes.io/service-name"

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    /// `IPv4`, `IPv6` or `FQDN`.
    public var addressType: String?
    /// May be null in the API for a Service with no pods.
    public var endpoints: [EndpointSliceEndpoint]?
    public var ports: [EndpointPort]?

    public init(
        apiVersion: String? = EndpointSlice.groupVersion, kind: String? = EndpointSlice.kindName,
        metadata: ObjectMeta, addressType: String? = nil,
        endpoints: [EndpointSliceEndpoint]? = nil, ports: [EndpointPort]? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.addressType = addressType
        self.endpoints = endpoints
        self.ports = ports
    }

    /// The value of the `kubernetes.io/service-name` label.
    public var serviceName: String? { metadata.labels?[Self.serviceNameLabel] }
}

public struct EndpointSliceEndpoint: Codable, Hashable, Sendable {
    public var addresses: [String]
    public var conditions: EndpointConditions?

    public init(addresses: [String], conditions: EndpointConditions? = nil) {
        self.addresses = addresses
        self.conditions = conditions
    }
}

/// Absent conditions mean "unknown"; consumers treat absent `ready` as ready.
public struct EndpointConditions: Codable, Hashable, Sendable {
    public var ready: Bool?
    public var serving: Bool?
    public var terminating: Bool?

    public init(ready: Bool? = nil, serving: Bool? = nil, terminating: Bool? = nil) {
        self.ready = ready
        self.serving = serving
        self.terminating = terminating
    }
}

public struct EndpointPort: Codable, Hashable, Sendable {
    /// Equals the Service port's name; empty or absent for a single unnamed port.
    public var name: String?
    public var port: Int?
    public var `protocol`: String?

    public init(name: String? = nil, port: Int? = nil, protocol: String? = nil) {
        self.name = name
        self.port = port
        self.protocol = `protocol`
    }
}
