import KubeModels
import SluiceRouting

/// Reads the CA of each Ingress's `auth-tls-secret` (the `ca.crt` of a Secret of any type, checked
/// by `TrustSecretInspector`) into its `ClientCertificateAuth`. It guards access: a Secret in
/// another namespace, missing, unusable or carrying a `ca.crl` (revocation lists are not
/// supported, and ignoring one would let revoked certificates in) fails every route of the
/// Ingress closed with a Warning; one still being loaded (`ClusterSnapshot.unloadedSecrets`) fails
/// them closed without one until it is. A route refused so asks no client for a certificate.
struct ClientCertificateProcessor: IngressGraphProcessor {
    func run(_ build: inout IngressGraphBuild) {
        for rank in build.ingresses.indices {
            guard var auth = build.ingresses[rank].policy.clientCertificate else { continue }
            var policy = build.ingresses[rank].policy
            let namespace = build.ingresses[rank].namespace
            let parts = auth.source.split(separator: "/", maxSplits: 1).map(String.init)
            let reference = SecretReference(
                namespace: parts.count == 2 ? parts[0] : namespace, name: parts.count == 2 ? parts[1] : parts[0])
            let failClosed = "; every route of this Ingress fails closed (503)"
            func refuse(_ why: String, warning reason: String?) {
                if let reason {
                    build.report(
                        IngressProblem(
                            reason: reason, message: "auth-tls-secret \(reference) \(why)\(failClosed)",
                            annotation: "auth-tls-secret"),
                        ingress: rank, at: .annotations)
                }
                policy.refusal = policy.refusal ?? RouteRefusal(reason: "auth-tls-secret \(reference) \(why)")
                // Refused outright: no handshake need ask for a certificate for it.
                policy.clientCertificate = nil
            }
            defer { build.ingresses[rank].policy = policy }
            guard reference.namespace == namespace else {
                refuse("is not in the Ingress's namespace \(namespace)", warning: DiagnosticReason.invalidAnnotation)
                continue
            }
            build.referencedSecrets.insert(reference.description)
            if build.snapshot.unloadedSecrets.contains(reference.description) {
                refuse("is being read", warning: nil)
                continue
            }
            let secret = build.snapshot.secrets.first {
                ($0.metadata.namespace ?? "default") == reference.namespace && $0.metadata.name == reference.name
            }
            if let secret, TLSSecretInspector.value("ca.crl", of: secret) != nil {
                refuse("has a ca.crl: certificate revocation lists are not supported", warning: DiagnosticReason.unsupportedAnnotation)
                continue
            }
            switch TrustSecretInspector.inspect(secret, now: build.now) {
            case .success(let inspected):
                auth = ClientCertificateAuth(
                    trust: ClientCertificateAuth.Trust(certificatesPEM: inspected.certificatesPEM, depth: auth.trust.depth),
                    source: reference.description, verification: auth.verification, passCertificate: auth.passCertificate,
                    errorPage: auth.errorPage)
                policy.clientCertificate = auth
            case .failure(let problem):
                refuse(problem.detail, warning: problem.reason)
            }
        }
    }
}
