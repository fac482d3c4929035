/// Why a ``KubeConfig`` could not be built.
public enum KubeConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    case fileNotFound(path: String)
    case unreadable(path: String, reason: String)
    case malformedYAML(path: String, reason: String)
    case noCurrentContext(path: String)
    case contextNotFound(name: String, path: String)
    case clusterNotFound(name: String, context: String)
    case userNotFound(name: String, context: String)
    case missingServer(cluster: String)
    case invalidBase64(field: String, owner: String)
    /// The user authenticates in a way Sluice does not implement (exec plugins, auth providers,
    /// basic auth).
    case unsupportedAuthentication(user: String, method: String)
    /// In-cluster configuration was requested but the pod environment is incomplete.
    case notInCluster(missing: String)
    /// No explicit path, `$KUBECONFIG`, service account or `~/.kube/config` was found.
    case noConfigurationFound(searched: [String])

    public var description: String {
        switch self {
        case .fileNotFound(let path): "kubeconfig \(path): no such file"
        case .unreadable(let path, let reason): "kubeconfig \(path): cannot read: \(reason)"
        case .malformedYAML(let path, let reason): "kubeconfig \(path): malformed YAML: \(reason)"
        case .noCurrentContext(let path): "kubeconfig \(path): no current-context set and no context given"
        case .contextNotFound(let name, let path): "kubeconfig \(path): context \"\(name)\" not found"
        case .clusterNotFound(let name, let context): "context \"\(context)\": cluster \"\(name)\" not found"
        case .userNotFound(let name, let context): "context \"\(context)\": user \"\(name)\" not found"
        case .missingServer(let cluster): "cluster \"\(cluster)\" has no server"
        case .invalidBase64(let field, let owner): "\(owner): \(field) is not valid base64"
        case .unsupportedAuthentication(let user, let method):
            "user \"\(user)\": \(method) authentication is not supported; use a token, tokenFile or client certificate"
        case .notInCluster(let missing): "not running in a cluster: \(missing) is missing"
        case .noConfigurationFound(let searched):
            "no Kubernetes configuration found (looked at: \(searched.joined(separator: ", ")))"
        }
    }
}
