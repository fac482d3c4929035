import KubeModels

/// The oldest Ingress with a Service as `spec.defaultBackend` provides the graph's default
/// route; every newer one is told it is ignored (`ConflictLost`). Without one,
/// `--default-backend-service` (`TranslationOptions.defaultBackendService`) does: its Service's
/// one port.
struct DefaultBackendProcessor: IngressGraphProcessor {
    func run(_ build: inout IngressGraphBuild) {
        for served in build.ingresses {
            guard let reference = served.ingress.spec?.defaultBackend else { continue }
            if let winner = build.graph.defaultRoute {
                build.report(DiagnosticReason.conflictLost,
                             "spec.defaultBackend ignored: \(winner.source) is older and provides the default backend",
                             ingress: served.rank, at: .defaultBackend)
            } else if let backend = build.requestBackend(reference, ingress: served.rank, at: .defaultBackend) {
                build.graph.defaultRoute = .matchingEveryPath(backend: backend, policy: served.policy, source: served.key)
            }
        }
        if build.graph.defaultRoute == nil, let service = build.options.defaultBackendService,
            let slash = service.firstIndex(of: "/")
        {
            let reference = BackendReference(
                namespace: String(service[..<slash]), service: IngressServiceBackend(name: String(service[service.index(after: slash)...])))
            build.graph.defaultRoute = .matchingEveryPath(backend: reference, policy: .default, source: "--default-backend-service")
        }
    }
}
