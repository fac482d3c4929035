import ArgumentParser
import Foundation
import Logging
import SluiceIngress
import SluiceManifests
import SluiceRouting

/// `sluice serve --manifests DIR`: the proxy, fed from manifest files instead of a cluster.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve Ingresses from YAML manifests in a directory, reloading on every change.",
        discussion: """
            Reads every *.yaml/*.yml file under DIR (multi-document files too) for networking.k8s.io/v1 \
            Ingress and IngressClass, v1 Service and kubernetes.io/tls Secret (data or stringData), and \
            discovery.k8s.io/v1 EndpointSlice objects. \
            Endpoint addresses may be anything, loopback included. A broken file is reported and the last \
            good routing table keeps serving.
            """
    )

    @Option(help: "Directory of Kubernetes manifests to serve.")
    var manifests: String

    @Option(help: "IngressClass name whose Ingresses are served.")
    var ingressClass: String = EnvironmentDefault.string("SLUICE_INGRESS_CLASS") ?? "sluice"

    @Option(help: "spec.controller value of IngressClasses that belong to Sluice.")
    var controllerName: String = EnvironmentDefault.string("SLUICE_CONTROLLER_NAME") ?? "sluice.io/ingress-controller"

    @Flag(help: "Serve Ingresses whose ingress-nginx annotations guard access in ways Sluice does not support (auth, source ranges, ...), without that protection, instead of refusing their routes with 503. A Warning names the annotations either way.")
    var allowUnsupportedSecurityAnnotations = EnvironmentDefault.string("SLUICE_ALLOW_UNSUPPORTED_SECURITY_ANNOTATIONS") == "true"

    @Flag(help: "Load and translate once, print the routing table and every problem, then exit (non-zero on errors).")
    var check = false

    @OptionGroup var defaultCertificate: DefaultCertificateOptions

    @OptionGroup var defaultBackend: DefaultBackendOptions

    @OptionGroup var proxyOptions: ProxyOptions

    func run() async throws {
        let options = TranslationOptions(
            ingressClass: ingressClass, controllerName: controllerName, servesClasslessWithoutIngressClasses: true,
            allowsUnsupportedSecurityAnnotations: allowUnsupportedSecurityAnnotations,
            defaultCertificateSecret: defaultCertificate.secret, defaultBackendService: defaultBackend.service)
        if check {
            try Self.check(directory: manifests, options: options)
            return
        }
        LoggingBootstrap.bootstrap(level: proxyOptions.level)
        let logger = Logger(label: "sluice")
        let runtime = try ProxyRuntime(options: proxyOptions, logger: logger)
        let source = StandaloneRoutingSource(
            directory: manifests, options: options, store: runtime.store, readiness: runtime.readiness, logger: logger)
        try await runtime.serviceGroup(source: source, logger: logger).run()
    }

    static func check(directory: String, options: TranslationOptions) throws {
        let load = ManifestLoader.load(directory: directory)
        let result = IngressTranslator.translate(load.snapshot, options: options)
        print(RoutingTableText.render(result.table), terminator: "")
        for diagnostic in result.diagnostics { print("warning: \(diagnostic)") }
        for error in load.errors { print("error: \(error)") }
        if !load.errors.isEmpty { throw ExitCode(1) }
    }
}
