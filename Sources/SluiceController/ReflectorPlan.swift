import KubeClient
import KubeModels
import Logging

/// A reflector the controller will run, described before the cache it writes to exists: its name
/// (the cache is synced once every named reflector has listed) and how to make it. The names the
/// cache waits for are taken from these plans, so the two cannot disagree.
struct ReflectorPlan: Sendable {
    let name: String
    private let make: @Sendable (KubeAPIClient, ObjectCache, ReflectorConfiguration, Logger) -> @Sendable () async -> Void

    init<Object: KubeAPIResource>(
        _ name: String, _ path: KubeResourcePath, _ slot: ClusterObjectsSlot<Object>, fieldSelector: String? = nil
    ) {
        self.name = name
        self.make = { client, cache, configuration, logger in
            let reflector = Reflector(
                client: client, path: path, fieldSelector: fieldSelector,
                sink: ReflectorSink(cache: cache, slot: slot, reflector: name), configuration: configuration,
                logger: logger)
            return { await reflector.run() }
        }
    }

    /// The reflector's run loop, writing to `cache`.
    func reflector(
        client: KubeAPIClient, cache: ObjectCache, configuration: ReflectorConfiguration, logger: Logger
    ) -> @Sendable () async -> Void {
        make(client, cache, configuration, logger)
    }

    /// Every reflector `configuration` asks for: the kinds translation reads, scoped to the
    /// watched namespace (Secrets: only `kubernetes.io/tls` and `Opaque` ones, by field selector:
    /// never service-account tokens, Helm releases and the like), plus the
    /// `--publish-service` Service and the `--default-ssl-certificate` Secret by name when they
    /// lie outside it.
    static func all(for configuration: ControllerConfiguration) -> [ReflectorPlan] {
        let namespace = configuration.translation.watchNamespace
        var plans = [
            ReflectorPlan("ingresses", .ingresses.namespace(namespace), \ClusterObjects.ingresses),
            ReflectorPlan("ingressclasses", .ingressClasses, \ClusterObjects.ingressClasses),
            ReflectorPlan("services", .services.namespace(namespace), \ClusterObjects.services),
            ReflectorPlan("endpointslices", .endpointSlices.namespace(namespace), \ClusterObjects.endpointSlices),
            ReflectorPlan(
                "secrets", .secrets.namespace(namespace), \ClusterObjects.secrets,
                fieldSelector: "type=\(Secret.tlsType)"),
            ReflectorPlan(
                "opaque-secrets", .secrets.namespace(namespace), \ClusterObjects.opaqueSecrets,
                fieldSelector: "type=\(Secret.opaqueType)"),
        ]
        if case .service(let serviceNamespace, let name) = configuration.statusAddresses,
            let namespace, namespace != serviceNamespace
        {
            plans.append(
                ReflectorPlan(
                    "publish-service", .services.namespace(serviceNamespace), \ClusterObjects.publishServices,
                    fieldSelector: "metadata.name=\(name)"))
        }
        if let secret = configuration.translation.defaultCertificateSecret,
            let namespace, !secret.hasPrefix("\(namespace)/")
        {
            let parts = secret.split(separator: "/", maxSplits: 1).map(String.init)
            plans.append(
                ReflectorPlan(
                    "default-certificate", .secrets.namespace(parts[0]), \ClusterObjects.defaultCertificateSecrets,
                    fieldSelector: "type=\(Secret.tlsType),metadata.name=\(parts.count == 2 ? parts[1] : "")"))
        }
        return plans
    }
}
