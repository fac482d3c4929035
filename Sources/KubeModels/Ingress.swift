/// `networking.k8s.io/v1` Ingress: the fields Sluice translates into routes and writes status to.
public struct Ingress: KubeAPIResource {
    public static let groupVersion = "networking.k8s.io/v1"
    public static let kindName = "Ingress"
    public static let pluralName = "ingresses"

    /// Absent in LIST items; present in WATCH events and manifests.
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: IngressSpec?
    public var status: IngressStatus?

    public init(
        apiVersion: String? = Ingress.groupVersion, kind: String? = Ingress.kindName,
        metadata: ObjectMeta, spec: IngressSpec? = nil, status: IngressStatus? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }
}

public struct IngressSpec: Codable, Hashable, Sendable {
    public var ingressClassName: String?
    public var defaultBackend: IngressBackend?
    public var tls: [IngressTLS]?
    public var rules: [IngressRule]?

    public init(
        ingressClassName: String? = nil, defaultBackend: IngressBackend? = nil,
        tls: [IngressTLS]? = nil, rules: [IngressRule]? = nil
    ) {
        self.ingressClassName = ingressClassName
        self.defaultBackend = defaultBackend
        self.tls = tls
        self.rules = rules
    }
}

/// `spec.tls[]`: hosts served with the certificate in `secretName` (a `kubernetes.io/tls` Secret).
public struct IngressTLS: Codable, Hashable, Sendable {
    public var hosts: [String]?
    public var secretName: String?

    public init(hosts: [String]? = nil, secretName: String? = nil) {
        self.hosts = hosts
        self.secretName = secretName
    }
}

/// `spec.rules[]`: a host (absent or empty = any host) and its HTTP paths.
public struct IngressRule: Codable, Hashable, Sendable {
    public var host: String?
    public var http: HTTPIngressRuleValue?

    public init(host: String? = nil, http: HTTPIngressRuleValue? = nil) {
        self.host = host
        self.http = http
    }
}

public struct HTTPIngressRuleValue: Codable, Hashable, Sendable {
    public var paths: [HTTPIngressPath]

    public init(paths: [HTTPIngressPath]) {
        self.paths = paths
    }
}

/// `spec.rules[].http.paths[]`.
public struct HTTPIngressPath: Codable, Hashable, Sendable {
    /// Absent means `/`.
    public var path: String?
    /// Required by the v1 API; treated as `ImplementationSpecific` when absent.
    public var pathType: PathType?
    public var backend: IngressBackend

    public init(path: String? = nil, pathType: PathType? = nil, backend: IngressBackend) {
        self.path = path
        self.pathType = pathType
        self.backend = backend
    }

    /// The v1 path types. Decoding any other value fails, naming the accepted ones.
    public enum PathType: String, Codable, Hashable, Sendable {
        case exact = "Exact"
        case prefix = "Prefix"
        case implementationSpecific = "ImplementationSpecific"

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let value = PathType(rawValue: text) else {
                throw DecodingError.dataCorruptedError(
                    in: container,
                    debugDescription: "expected Exact, Prefix or ImplementationSpecific, got \"\(text.prefix(64))\""
                )
            }
            self = value
        }
    }
}

/// Where an Ingress path (or `spec.defaultBackend`) sends traffic: a Service port, or a
/// `resource` reference (which Sluice does not serve).
public struct IngressBackend: Codable, Hashable, Sendable {
    public var service: IngressServiceBackend?
    public var resource: TypedLocalObjectReference?

    public init(service: IngressServiceBackend? = nil, resource: TypedLocalObjectReference? = nil) {
        self.service = service
        self.resource = resource
    }
}

public struct IngressServiceBackend: Codable, Hashable, Sendable {
    public var name: String
    public var port: ServiceBackendPort?

    public init(name: String, port: ServiceBackendPort? = nil) {
        self.name = name
        self.port = port
    }
}

/// A Service port by `number` or by `name` (exactly one is set in valid objects).
public struct ServiceBackendPort: Codable, Hashable, Sendable {
    public var name: String?
    public var number: Int?

    public init(name: String? = nil, number: Int? = nil) {
        self.name = name
        self.number = number
    }
}

public struct TypedLocalObjectReference: Codable, Hashable, Sendable {
    public var apiGroup: String?
    public var kind: String
    public var name: String

    public init(apiGroup: String? = nil, kind: String, name: String) {
        self.apiGroup = apiGroup
        self.kind = kind
        self.name = name
    }
}

public struct IngressStatus: Codable, Hashable, Sendable {
    public var loadBalancer: LoadBalancerStatus?

    public init(loadBalancer: LoadBalancerStatus? = nil) {
        self.loadBalancer = loadBalancer
    }
}
