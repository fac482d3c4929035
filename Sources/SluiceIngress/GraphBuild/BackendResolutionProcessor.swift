/// Resolves every backend the graph references, once per Service port (`BackendResolver`), and
/// reports one that does not fully resolve to each route that asked for it.
struct BackendResolutionProcessor: IngressGraphProcessor {
    func run(_ build: inout IngressGraphBuild) {
        let resolver = BackendResolver(services: build.snapshot.services, slices: build.snapshot.endpointSlices)
        var problems: [BackendReference: IngressProblem] = [:]
        for reference in build.graph.backendReferences {
            let (backend, problem) = resolver.resolve(reference)
            build.graph.backends[reference] = backend
            problems[reference] = problem
        }
        for request in build.backendRequests {
            if let problem = problems[request.reference] {
                build.report(problem, ingress: request.ingress, at: request.field)
            }
        }
    }
}
