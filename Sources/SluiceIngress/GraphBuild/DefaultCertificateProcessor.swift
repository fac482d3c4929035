import KubeModels

/// Checks the `--default-ssl-certificate` Secret like any `spec.tls` one, except for host
/// coverage (it is served to whatever name no host claims). A bad one is reported as a Warning
/// on the Secret and left out: the listener then serves its generated certificate. One still
/// being loaded (`ClusterSnapshot.unloadedSecrets`) is left out without a Warning.
struct DefaultCertificateProcessor: IngressGraphProcessor {
    func run(_ build: inout IngressGraphBuild) {
        guard let option = build.options.defaultCertificateSecret,
            let reference = SecretReference(namespacedName: option)
        else { return }
        build.referencedSecrets.insert(reference.description)
        guard !build.snapshot.unloadedSecrets.contains(reference.description) else { return }
        let secret = build.snapshot.secrets.first {
            $0.metadata.namespace == reference.namespace && $0.metadata.name == reference.name
        }
        switch TLSSecretInspector.inspect(secret, reference: reference, now: build.now) {
        case .success(let inspected):
            build.graph.defaultCertificate = inspected.serving
        case .failure(let problem):
            build.objectDiagnostics.append(
                Diagnostic(
                    kind: Secret.kindName, namespace: reference.namespace, name: reference.name, reason: problem.reason,
                    message: "--default-ssl-certificate: secret \(reference) \(problem.detail); the generated certificate is served instead"))
        }
    }
}

extension SecretReference {
    /// `namespace/name`; nil for anything else.
    init?(namespacedName: String) {
        let parts = namespacedName.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        self.init(namespace: String(parts[0]), name: String(parts[1]))
    }
}
