import KubeModels
import SluiceRouting

/// Fills the TLS slot of each virtual host listed in a `spec.tls[].hosts` (the oldest Ingress
/// listing a host sets it) with that entry's Secret, checked by ``TLSSecretInspector``, and the
/// certificate when it is good and its names cover the host (``CertificateNames``).
///
/// A Secret the snapshot lists as unloaded (its data is being fetched) is neither checked nor
/// reported: its hosts get the default certificate until it is loaded.
///
/// A bad Secret never takes a host down: its Ingress gets one Warning per `spec.tls` entry
/// naming the Secret and what is wrong (the expiry date, the hosts not covered), the host gets
/// no certificate of its own (the listener serves the default one) and the routes are served.
struct IngressTLSProcessor: IngressGraphProcessor {
    func run(_ build: inout IngressGraphBuild) {
        let secrets = Dictionary(
            build.snapshot.secrets.map { ("\($0.metadata.namespace ?? "default")/\($0.metadata.name ?? "")", $0) },
            uniquingKeysWith: { first, _ in first }
        )
        var inspections: [SecretReference: Result<InspectedCertificate, TLSSecretProblem>] = [:]
        for served in build.ingresses {
            for (index, entry) in (served.ingress.spec?.tls ?? []).enumerated() {
                guard let name = entry.secretName, !name.isEmpty else { continue }
                let reference = SecretReference(namespace: served.namespace, name: name)
                let hosts = (entry.hosts ?? []).filter { !$0.isEmpty }
                build.referencedSecrets.insert(reference.description)
                if build.snapshot.unloadedSecrets.contains(reference.description) {
                    fillSlots(for: hosts, with: VirtualHostTLS(secret: reference, source: served.key), in: &build.graph)
                    continue
                }
                let inspection = inspections[reference] ?? TLSSecretInspector.inspect(
                    secrets[reference.description], reference: reference, now: build.now)
                inspections[reference] = inspection
                let field = "spec.tls[\(index)]"

                switch inspection {
                case .failure(let problem):
                    fillSlots(for: hosts, with: VirtualHostTLS(secret: reference, source: served.key), in: &build.graph)
                    build.report(problem.reason, "\(field): secret \(reference) \(problem.detail)\(Self.fallback(hosts))",
                                 ingress: served.rank, at: .tls)
                case .success(let inspected):
                    let uncovered = hosts.filter { !inspected.names.covers($0) }
                    for host in hosts {
                        let certificate = uncovered.contains(host) ? nil : inspected.serving
                        fillSlots(for: [host], with: VirtualHostTLS(secret: reference, source: served.key, certificate: certificate),
                                  in: &build.graph)
                    }
                    if !uncovered.isEmpty {
                        let names = inspected.names.dnsNames.isEmpty ? "no DNS names" : inspected.names.dnsNames.joined(separator: ", ")
                        build.report(DiagnosticReason.tlsHostNotCovered,
                                     "\(field): secret \(reference) holds a certificate for \(names), which does not cover \(uncovered.joined(separator: ", "))\(Self.fallback(uncovered))",
                                     ingress: served.rank, at: .tls)
                    }
                }
            }
        }
    }

    /// `; a.example.com gets the default certificate`, for the hosts left without one.
    private static func fallback(_ hosts: [String]) -> String {
        switch hosts.count {
        case 0: ""
        case 1: "; \(hosts[0]) gets the default certificate"
        default: "; \(hosts.joined(separator: ", ")) get the default certificate"
        }
    }

    private func fillSlots(for hosts: [String], with tls: VirtualHostTLS, in graph: inout IngressGraph) {
        for host in hosts {
            let match = HostMatch(ingressHost: host)
            if graph[host: match].tls == nil {
                graph[host: match].tls = tls
            }
        }
    }
}
