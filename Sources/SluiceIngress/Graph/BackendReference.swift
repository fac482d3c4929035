import KubeModels

/// A Service port as an Ingress names it, in the Ingress's namespace: the key under which
/// `IngressGraph.backends` holds it once resolved.
struct BackendReference: Hashable, Sendable {
    var namespace: String
    var service: IngressServiceBackend

    /// `namespace/service`.
    var serviceKey: String { "\(namespace)/\(service.name)" }

    /// The port by number, else by name, else `?`.
    var portText: String {
        if let number = service.port?.number { return String(number) }
        if let name = service.port?.name, !name.isEmpty { return name }
        return "?"
    }

    /// `namespace/service:port` as referenced, the name of a backend that did not resolve.
    var unresolvedName: String { "\(serviceKey):\(portText)" }
}
