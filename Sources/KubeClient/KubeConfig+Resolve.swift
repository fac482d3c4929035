import Foundation

extension KubeConfig {
    /// Finds the configuration the way kubectl and client-go do, first match wins:
    /// 1. `explicitPath` (a `--kubeconfig` flag), which must exist;
    /// 2. `$KUBECONFIG` (the first existing file of its colon-separated list; files are not merged);
    /// 3. the in-cluster service account, when `KUBERNETES_SERVICE_HOST` is set;
    /// 4. `~/.kube/config`.
    public static func resolve(
        explicitPath: String? = nil,
        context: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        serviceAccountDirectory: String = defaultServiceAccountDirectory,
        homeDirectory: String? = nil
    ) throws(KubeConfigError) -> KubeConfig {
        if let explicitPath, !explicitPath.isEmpty {
            return try kubeconfig(path: explicitPath, context: context)
        }
        var searched: [String] = []
        if let list = environment["KUBECONFIG"], !list.isEmpty {
            let paths = list.split(separator: ":").map(String.init)
            if let existing = paths.first(where: { FileManager.default.fileExists(atPath: $0) }) {
                return try kubeconfig(path: existing, context: context)
            }
            searched.append(contentsOf: paths)
        }
        if environment["KUBERNETES_SERVICE_HOST"] != nil {
            return try inCluster(environment: environment, serviceAccountDirectory: serviceAccountDirectory)
        }
        searched.append("in-cluster service account (KUBERNETES_SERVICE_HOST unset)")
        let home = homeDirectory ?? environment["HOME"] ?? NSHomeDirectory()
        let defaultPath = URL(fileURLWithPath: home).appendingPathComponent(".kube/config").path
        if FileManager.default.fileExists(atPath: defaultPath) {
            return try kubeconfig(path: defaultPath, context: context)
        }
        searched.append(defaultPath)
        throw .noConfigurationFound(searched: searched)
    }
}
