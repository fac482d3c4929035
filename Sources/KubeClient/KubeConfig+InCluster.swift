import Foundation

extension KubeConfig {
    /// The default mount point of a pod's service-account credentials.
    public static let defaultServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount"

    /// The configuration of a pod talking to its own cluster: `KUBERNETES_SERVICE_HOST`/`PORT`,
    /// the service-account `token` (re-read when the kubelet rotates it), `ca.crt` and `namespace`.
    public static func inCluster(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        serviceAccountDirectory: String = defaultServiceAccountDirectory
    ) throws(KubeConfigError) -> KubeConfig {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty else {
            throw .notInCluster(missing: "KUBERNETES_SERVICE_HOST")
        }
        guard let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty else {
            throw .notInCluster(missing: "KUBERNETES_SERVICE_PORT")
        }
        let directory = URL(fileURLWithPath: serviceAccountDirectory)
        let tokenPath = directory.appendingPathComponent("token").path
        let caPath = directory.appendingPathComponent("ca.crt").path
        guard FileManager.default.fileExists(atPath: tokenPath) else { throw .notInCluster(missing: tokenPath) }
        guard FileManager.default.fileExists(atPath: caPath) else { throw .notInCluster(missing: caPath) }
        let namespacePath = directory.appendingPathComponent("namespace").path
        let namespace = (try? String(contentsOfFile: namespacePath, encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return KubeConfig(
            server: "https://\(hostPart):\(port)",
            bearerToken: .file(tokenPath),
            certificateAuthority: .file(caPath),
            namespace: namespace.flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        )
    }
}
