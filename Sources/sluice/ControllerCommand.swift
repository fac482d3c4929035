import ArgumentParser
import Foundation
import KubeClient
import Logging
import SluiceController
import SluiceIngress

/// `sluice controller`: the in-cluster ingress controller. Watches Ingresses and what they refer
/// to through the Kubernetes API and serves them from the in-process proxy; the elected leader
/// also writes Ingress status and Warning Events.
struct ControllerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "controller",
        abstract: "Run as a Kubernetes ingress controller: watch the cluster and serve its Ingresses.",
        discussion: """
            Every flag can also be set from the environment as SLUICE_<FLAG> (SLUICE_INGRESS_CLASS, \
            SLUICE_WATCH_NAMESPACE, ...); the flag wins. Every replica serves traffic; one, elected through \
            the Lease --election-id in POD_NAMESPACE (identity POD_NAME, else the hostname), writes Ingress \
            status and Events. The API server's address and credentials come from --kubeconfig, $KUBECONFIG, \
            the pod's service account, or ~/.kube/config, in that order.
            """
    )

    @Option(help: "Path to a kubeconfig file (default: $KUBECONFIG, then the in-cluster service account, then ~/.kube/config).")
    var kubeconfig: String?

    @Option(help: "IngressClass name whose Ingresses are served.")
    var ingressClass: String = EnvironmentDefault.string("SLUICE_INGRESS_CLASS") ?? "sluice"

    @Option(help: "spec.controller value of IngressClasses that belong to Sluice.")
    var controllerName: String = EnvironmentDefault.string("SLUICE_CONTROLLER_NAME") ?? "sluice.io/ingress-controller"

    @Option(help: "Only watch and serve this namespace (default: all namespaces).")
    var watchNamespace: String?

    @Option(help: "NAMESPACE/NAME of the controller's own Service: its load-balancer addresses (or ClusterIP) are written to the status of our Ingresses.")
    var publishService: String?

    @Option(help: "Comma-separated IPs or hostnames to write to the status of our Ingresses (instead of --publish-service).")
    var publishStatusAddress: String?

    @Option(help: "Name of the Lease used for leader election, in POD_NAMESPACE.")
    var electionId: String = EnvironmentDefault.string("SLUICE_ELECTION_ID") ?? "sluice-leader"

    @Flag(help: "Serve Ingresses whose ingress-nginx annotations guard access in ways Sluice does not support (auth, source ranges, ...), without that protection, instead of refusing their routes with 503. A Warning names the annotations either way.")
    var allowUnsupportedSecurityAnnotations = EnvironmentDefault.string("SLUICE_ALLOW_UNSUPPORTED_SECURITY_ANNOTATIONS") == "true"

    @OptionGroup var defaultCertificate: DefaultCertificateOptions

    @OptionGroup var defaultBackend: DefaultBackendOptions

    @OptionGroup var proxyOptions: ProxyOptions

    // Optional flags fall back to their environment variable here (ArgumentParser deprecates
    // defaults on optional options).
    private var kubeconfigPath: String? { kubeconfig ?? EnvironmentDefault.string("SLUICE_KUBECONFIG") }
    private var namespaceToWatch: String? { watchNamespace ?? EnvironmentDefault.string("SLUICE_WATCH_NAMESPACE") }
    private var publishServiceName: String? { publishService ?? EnvironmentDefault.string("SLUICE_PUBLISH_SERVICE") }
    private var publishAddresses: String? {
        publishStatusAddress ?? EnvironmentDefault.string("SLUICE_PUBLISH_STATUS_ADDRESS")
    }

    func validate() throws {
        if let publishService = publishServiceName, StatusAddressSource.service(publishService) == nil {
            throw ValidationError("--publish-service must be NAMESPACE/NAME, got \"\(publishService)\"")
        }
        if publishServiceName != nil && publishAddresses != nil {
            throw ValidationError("set either --publish-service or --publish-status-address, not both")
        }
        if electionId.isEmpty { throw ValidationError("--election-id must not be empty") }
        if let namespace = namespaceToWatch, let service = defaultBackend.service, !service.hasPrefix("\(namespace)/") {
            // Only the watched namespace's Services and EndpointSlices are read.
            throw ValidationError("--default-backend-service \(service) must be in the watched namespace \(namespace)")
        }
    }

    func run() async throws {
        LoggingBootstrap.bootstrap(level: proxyOptions.level)
        let logger = Logger(label: "sluice")
        let kubeConfig: KubeConfig
        do {
            kubeConfig = try KubeConfig.resolve(explicitPath: kubeconfigPath)
        } catch {
            logger.critical("no usable Kubernetes API configuration: \(error)")
            throw ExitCode(1)
        }
        let environment = ProcessInfo.processInfo.environment
        let configuration = ControllerConfiguration(
            translation: TranslationOptions(
                ingressClass: ingressClass, controllerName: controllerName, watchNamespace: namespaceToWatch,
                allowsUnsupportedSecurityAnnotations: allowUnsupportedSecurityAnnotations,
                defaultCertificateSecret: defaultCertificate.secret, defaultBackendService: defaultBackend.service),
            statusAddresses: statusAddresses,
            election: LeaderElectionConfiguration(
                identity: environment["POD_NAME"].flatMap { $0.isEmpty ? nil : $0 } ?? ProcessInfo.processInfo.hostName,
                leaseNamespace: environment["POD_NAMESPACE"].flatMap { $0.isEmpty ? nil : $0 } ?? kubeConfig.namespace,
                leaseName: electionId))
        logger.info(
            "starting controller",
            metadata: [
                "apiServer": "\(kubeConfig.server)", "ingressClass": "\(ingressClass)",
                "watchNamespace": "\(namespaceToWatch ?? "<all>")",
            ])
        let runtime = try ProxyRuntime(options: proxyOptions, logger: logger)
        let store = runtime.store
        let readiness = runtime.readiness
        let metrics = ControllerMetrics()
        let controller = ControllerService(
            client: KubeAPIClient(config: kubeConfig, requestFailed: { metrics.apiRequestFailed($0) }),
            configuration: configuration,
            publish: { table, duration in store.publish(table, translationDuration: duration) },
            markReady: { readiness.markRoutingTableLoaded() }, metrics: metrics, logger: logger)
        runtime.admin.addMetricsSource { metrics.prometheusText() }
        try await runtime.serviceGroup(source: controller, logger: logger).run()
    }

    private var statusAddresses: StatusAddressSource {
        if let publishService = publishServiceName, let source = StatusAddressSource.service(publishService) {
            return source
        }
        if let publishAddresses { return .addresses(commaSeparated: publishAddresses) }
        return .none
    }
}
