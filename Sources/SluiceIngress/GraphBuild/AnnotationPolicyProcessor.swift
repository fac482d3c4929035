/// Reads each Ingress's annotations into the `RoutePolicy` its routes carry
/// (`AnnotationPolicyReader`).
struct AnnotationPolicyProcessor: IngressGraphProcessor {
    func run(_ build: inout IngressGraphBuild) {
        for rank in build.ingresses.indices {
            let (policy, problems) = AnnotationPolicyReader.read(build.ingresses[rank].ingress.metadata.annotations ?? [:])
            build.ingresses[rank].policy = policy
            for problem in problems {
                build.report(problem, ingress: rank, at: .annotations)
            }
        }
    }
}
