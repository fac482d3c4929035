import KubeModels

/// Orders Ingresses oldest first: `creationTimestamp`, then `namespace/name`. This decides every
/// conflict (same host + path + kind, or two default backends) deterministically.
///
/// Timestamps are RFC 3339 UTC strings as the API server writes them (`2026-11-22T03:15:23Z`),
/// which order correctly as text. An Ingress without one (a manifest file) counts as newest.
enum IngressAge {
    static func isOlder(_ a: Ingress, than b: Ingress) -> Bool {
        switch (a.metadata.creationTimestamp, b.metadata.creationTimestamp) {
        case (let x?, let y?) where x != y: return x < y
        case (.some, nil): return true
        case (nil, .some): return false
        default:
            if a.namespaceOrDefault != b.namespaceOrDefault { return a.namespaceOrDefault < b.namespaceOrDefault }
            return a.nameOrEmpty < b.nameOrEmpty
        }
    }
}
