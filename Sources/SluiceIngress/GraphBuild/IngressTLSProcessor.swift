import KubeModels
import SluiceRouting

/// Fills the TLS slot of each virtual host listed in a `spec.tls[].hosts` with that entry's
/// `secretName` (the oldest Ingress listing a host sets it), and checks the secrets: each must be
/// a `kubernetes.io/tls` Secret with `tls.crt` and `tls.key` in the Ingress's namespace.
///
/// TLS is not served yet: an Ingress that asks for it is told so once (`TLSNotServed`), and its
/// hosts are served over plain HTTP only.
struct IngressTLSProcessor: IngressGraphProcessor {
    func run(_ build: inout IngressGraphBuild) {
        let secrets = Dictionary(
            build.snapshot.secrets.map { ("\($0.metadata.namespace ?? "default")/\($0.metadata.name ?? "")", $0) },
            uniquingKeysWith: { first, _ in first }
        )
        for served in build.ingresses {
            let entries = served.ingress.spec?.tls ?? []
            guard !entries.isEmpty else { continue }
            build.report(DiagnosticReason.tlsNotServed,
                         "spec.tls: Sluice does not terminate TLS yet; this Ingress is served over plain HTTP only",
                         ingress: served.rank, at: .tls)
            for (index, entry) in entries.enumerated() {
                guard let name = entry.secretName, !name.isEmpty else { continue }
                let secret = SecretReference(namespace: served.namespace, name: name)
                fillSlots(for: entry.hosts ?? [], with: VirtualHostTLS(secret: secret, source: served.key), in: &build.graph)
                if let problem = Self.problem(with: secret, in: secrets, field: "spec.tls[\(index)]") {
                    build.report(problem, ingress: served.rank, at: .tls)
                }
            }
        }
    }

    private func fillSlots(for hosts: [String], with tls: VirtualHostTLS, in graph: inout IngressGraph) {
        for host in hosts where !host.isEmpty {
            let match = HostMatch(ingressHost: host)
            if graph[host: match].tls == nil {
                graph[host: match].tls = tls
            }
        }
    }

    private static func problem(with reference: SecretReference, in secrets: [String: Secret], field: String) -> IngressProblem? {
        guard let secret = secrets[reference.description] else {
            return IngressProblem(reason: DiagnosticReason.tlsSecretNotFound, message: "\(field): secret \(reference) not found")
        }
        if !secret.isTLS {
            let type = secret.type.map { AnnotationValue.quoted($0) } ?? "absent"
            return IngressProblem(
                reason: DiagnosticReason.tlsSecretInvalid,
                message: "\(field): secret \(reference) has type \(type), not \(Secret.tlsType)"
            )
        }
        if secret.data?["tls.crt"] == nil || secret.data?["tls.key"] == nil {
            return IngressProblem(reason: DiagnosticReason.tlsSecretInvalid, message: "\(field): secret \(reference) lacks tls.crt or tls.key")
        }
        return nil
    }
}
