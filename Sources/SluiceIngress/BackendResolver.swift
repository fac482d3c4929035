import KubeModels
import SluiceRouting

/// Resolves an Ingress backend (`service.name` + `service.port`) to a `Backend`: the Service
/// port, then the ready endpoints of the EndpointSlices labelled
/// `kubernetes.io/service-name=<service>` in the same namespace, on the slice port whose name
/// equals the Service port's name (a single unnamed port is `""` or absent on both sides).
///
/// An endpoint is used when `conditions.ready` is not `false` (absent means ready) and it is not
/// terminating. Endpoints are deduplicated and sorted, so equal snapshots give equal tables.
/// An ExternalName Service resolves to its DNS name and the referenced port. A backend that
/// cannot be fully resolved still routes (to no endpoints, so the proxy answers 503) and comes
/// with the problem to report.
struct BackendResolver {
    private var services: [String: Service] = [:]
    private var slicesByService: [String: [EndpointSlice]] = [:]

    init(services allServices: [Service], slices: [EndpointSlice]) {
        for service in allServices {
            services["\(Self.namespace(service.metadata))/\(service.metadata.name ?? "")"] = service
        }
        for slice in slices {
            guard let serviceName = slice.serviceName else { continue }
            slicesByService["\(Self.namespace(slice.metadata))/\(serviceName)", default: []].append(slice)
        }
    }

    private static func namespace(_ meta: ObjectMeta) -> String {
        if let ns = meta.namespace, !ns.isEmpty { return ns }
        return "default"
    }

    func resolve(_ reference: BackendReference) -> (Backend, IngressProblem?) {
        let serviceKey = reference.serviceKey
        let portText = reference.portText
        let unresolved = Backend(name: reference.unresolvedName, endpoints: [])
        guard let service = services[serviceKey] else {
            return (
                unresolved,
                IngressProblem(
                    reason: DiagnosticReason.serviceNotFound,
                    message: "service \(serviceKey) not found; requests to its routes get 503"
                )
            )
        }
        let ports = service.spec?.ports ?? []
        let servicePort = Self.findPort(reference.service.port, in: ports)

        if service.spec?.isExternalName == true {
            guard let externalName = service.spec?.externalName, !externalName.isEmpty else {
                return (
                    unresolved,
                    IngressProblem(reason: DiagnosticReason.serviceNotFound,
                            message: "ExternalName service \(serviceKey) has no spec.externalName")
                )
            }
            let number = servicePort?.port ?? reference.service.port?.number
            guard let number else {
                return (unresolved, portNotFound(serviceKey, portText))
            }
            return (Backend(name: "\(serviceKey):\(number)", endpoints: [Endpoint(host: externalName, port: number)]), nil)
        }

        guard let servicePort else {
            return (unresolved, portNotFound(serviceKey, portText))
        }
        let endpoints = readyEndpoints(serviceKey: serviceKey, portName: servicePort.name ?? "")
        return (Backend(name: "\(serviceKey):\(servicePort.port)", endpoints: endpoints), nil)
    }

    private func portNotFound(_ serviceKey: String, _ portText: String) -> IngressProblem {
        IngressProblem(
            reason: DiagnosticReason.servicePortNotFound,
            message: "service \(serviceKey) has no port \(portText); requests to its routes get 503"
        )
    }

    private func readyEndpoints(serviceKey: String, portName: String) -> [Endpoint] {
        var found = Set<Endpoint>()
        for slice in slicesByService[serviceKey] ?? [] {
            guard let slicePort = slice.ports?.first(where: { ($0.name ?? "") == portName }),
                  let port = slicePort.port
            else { continue }
            for endpoint in slice.endpoints ?? [] where Self.isUsable(endpoint) {
                for address in endpoint.addresses {
                    found.insert(Endpoint(host: address, port: port))
                }
            }
        }
        return found.sorted { a, b in a.host != b.host ? a.host < b.host : a.port < b.port }
    }

    private static func isUsable(_ endpoint: EndpointSliceEndpoint) -> Bool {
        endpoint.conditions?.ready != false && endpoint.conditions?.terminating != true
    }

    /// By number, or by name; with no port given, a Service with exactly one port uses it.
    private static func findPort(_ reference: ServiceBackendPort?, in ports: [ServicePort]) -> ServicePort? {
        if let number = reference?.number {
            return ports.first { $0.port == number }
        }
        if let name = reference?.name, !name.isEmpty {
            return ports.first { $0.name == name }
        }
        return ports.count == 1 ? ports[0] : nil
    }
}
