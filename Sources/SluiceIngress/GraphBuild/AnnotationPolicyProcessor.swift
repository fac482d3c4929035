/// Reads each Ingress's annotations into the `RoutePolicy` its routes carry
/// (`AnnotationPolicyReader`), and audits its `nginx.ingress.kubernetes.io/*` ones
/// (`NginxAnnotationAudit`): those not honoured are named in one Warning, and where they guarded
/// access the policy refuses every request (the routes fail closed) unless
/// `TranslationOptions.allowsUnsupportedSecurityAnnotations`.
struct AnnotationPolicyProcessor: IngressGraphProcessor {
    func run(_ build: inout IngressGraphBuild) {
        let allowed = build.options.allowsUnsupportedSecurityAnnotations
        for rank in build.ingresses.indices {
            let annotations = build.ingresses[rank].ingress.metadata.annotations ?? [:]
            var (policy, problems) = AnnotationPolicyReader.read(annotations)
            let audit = NginxAnnotationAudit(annotations)
            policy.refusal = audit.refusal(allowingUnsupportedSecurity: allowed)
            if let problem = audit.problem(allowingUnsupportedSecurity: allowed) { problems.append(problem) }
            build.ingresses[rank].policy = policy
            for problem in problems {
                build.report(problem, ingress: rank, at: .annotations)
            }
        }
    }
}
