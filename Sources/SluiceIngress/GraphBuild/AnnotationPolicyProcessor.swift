import KubeModels
import SluiceRouting

/// Reads each Ingress's annotations into the `RoutePolicy` its routes carry
/// (`AnnotationPolicyReader`), and audits its `nginx.ingress.kubernetes.io/*` ones
/// (`NginxAnnotationAudit`): those not honoured are named in one Warning, and where they guarded
/// access the policy refuses every request (the routes fail closed) unless
/// `TranslationOptions.allowsUnsupportedSecurityAnnotations`.
///
/// With `proxy-ssl-verify` on, the `proxy-ssl-secret` Secret's `ca.crt` becomes the trusted
/// certificates of TLS to the backend (`TrustSecretInspector`). The Secret must be in the
/// Ingress's namespace; one that is elsewhere, missing or unusable fails the routes closed with a
/// Warning (never served unverified), one still being loaded (`ClusterSnapshot.unloadedSecrets`)
/// fails them closed without one until it is.
struct AnnotationPolicyProcessor: IngressGraphProcessor {
    func run(_ build: inout IngressGraphBuild) {
        let allowed = build.options.allowsUnsupportedSecurityAnnotations
        for rank in build.ingresses.indices {
            let annotations = build.ingresses[rank].ingress.metadata.annotations ?? [:]
            let (read, reader) = AnnotationPolicyReader.readWithSecrets(annotations)
            var (policy, problems, trustSecret) = (read, reader.problems, reader.trustSecret)
            let audit = NginxAnnotationAudit(annotations)
            if let refusal = audit.refusal(allowingUnsupportedSecurity: allowed) { policy.refusal = refusal }
            if let problem = audit.problem(allowingUnsupportedSecurity: allowed) { problems.append(problem) }
            if let trustSecret {
                trust(trustSecret, ingress: rank, policy: &policy, problems: &problems, build: &build)
            }
            if let basicAuth = reader.basicAuthSecret { authenticate(basicAuth, ingress: rank, policy: &policy, problems: &problems, build: &build) }
            if policy.sessionAffinity != nil {
                // Every replica reads the same UID, and clients never see it (see README, *Sticky sessions*).
                let metadata = build.ingresses[rank].ingress.metadata
                policy.sessionAffinity?.tokenKey = metadata.uid ?? "\(build.ingresses[rank].namespace)/\(metadata.name ?? "")"
            }
            build.ingresses[rank].policy = policy
            build.ingresses[rank].redirectsWWW = reader.redirectsWWW
            if let service = reader.defaultBackendService {
                build.ingresses[rank].defaultBackend = build.requestBackend(
                    IngressBackend(service: IngressServiceBackend(name: service)), ingress: rank, at: .annotations)
            }
            for problem in problems {
                build.report(problem, ingress: rank, at: .annotations)
            }
        }
    }

    private func trust(
        _ name: SecretNameGrammar.Name, ingress rank: Int, policy: inout RoutePolicy, problems: inout [IngressProblem],
        build: inout IngressGraphBuild
    ) {
        let namespace = build.ingresses[rank].namespace
        let reference = SecretReference(namespace: name.namespace ?? namespace, name: name.name)
        let failClosed = "; proxy-ssl-verify is on, so every route of this Ingress fails closed (503)"
        guard reference.namespace == namespace else {
            problems.append(IngressProblem(
                reason: DiagnosticReason.invalidAnnotation,
                message: "proxy-ssl-secret \(reference) is not in the Ingress's namespace \(namespace)\(failClosed)",
                annotation: "proxy-ssl-secret"))
            policy.refusal = policy.refusal ?? RouteRefusal(reason: "proxy-ssl-secret \(reference) is in another namespace")
            return
        }
        build.referencedSecrets.insert(reference.description)
        if build.snapshot.unloadedSecrets.contains(reference.description) {
            policy.refusal = policy.refusal ?? RouteRefusal(reason: "proxy-ssl-secret \(reference) is being read")
            return
        }
        let secret = build.snapshot.secrets.first {
            ($0.metadata.namespace ?? "default") == reference.namespace && $0.metadata.name == reference.name
        }
        switch TrustSecretInspector.inspect(secret, now: build.now) {
        case .success(let inspected):
            policy.upstreamProtocol.tls?.trustedCertificatesPEM = inspected.certificatesPEM
            if inspected.hasClientCertificate {
                problems.append(IngressProblem(
                    reason: DiagnosticReason.ineffectiveAnnotation,
                    message: "proxy-ssl-secret \(reference): its tls.crt and tls.key are not presented to the backend (Sluice sends no client certificate); its ca.crt is trusted"))
            }
        case .failure(let problem):
            problems.append(IngressProblem(reason: problem.reason, message: "proxy-ssl-secret: secret \(reference) \(problem.detail)\(failClosed)"))
            policy.refusal = policy.refusal ?? RouteRefusal(reason: "proxy-ssl-secret \(reference) \(problem.detail)")
        }
    }
}
