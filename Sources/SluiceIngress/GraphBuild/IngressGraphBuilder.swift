import Foundation

/// Builds an `IngressGraph` from a snapshot, after Contour's `dag.Builder`: a pure build that
/// runs one small processor after another over the same `IngressGraphBuild`.
enum IngressGraphBuilder {
    /// In order: each may rely on what the ones before it left in the build. The default backend
    /// is chosen before backends are resolved so that its Service is resolved with the others.
    static let processors: [any IngressGraphProcessor] = [
        IngressClassProcessor(),
        AnnotationPolicyProcessor(),
        ClientCertificateProcessor(),
        IngressRuleProcessor(),
        WWWRedirectProcessor(),
        IngressTLSProcessor(),
        DefaultCertificateProcessor(),
        DefaultBackendProcessor(),
        BackendResolutionProcessor(),
    ]

    static func build(_ snapshot: ClusterSnapshot, options: TranslationOptions, now: Date = Date()) -> IngressGraphBuild {
        var build = IngressGraphBuild(snapshot: snapshot, options: options, now: now)
        for processor in processors {
            processor.run(&build)
        }
        return build
    }
}

/// One step of `IngressGraphBuilder`: reads the snapshot and what earlier steps built, and adds
/// its part to the graph, reporting what it cannot use.
protocol IngressGraphProcessor: Sendable {
    func run(_ build: inout IngressGraphBuild)
}
