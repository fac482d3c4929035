/// Where in an Ingress something was found. Cases are declared in the order an Ingress's
/// diagnostics are reported, whichever processor finds them (`IngressGraphBuild.diagnostics`).
enum IngressField: Hashable, Sendable, Comparable {
    case annotations
    case defaultBackend
    case path(rule: Int, path: Int)
    case tls

    /// The field as diagnostics name it: `spec.defaultBackend`, `spec.rules[0].http.paths[1]`.
    var text: String {
        switch self {
        case .annotations: return "metadata.annotations"
        case .defaultBackend: return "spec.defaultBackend"
        case .path(let rule, let path): return "spec.rules[\(rule)].http.paths[\(path)]"
        case .tls: return "spec.tls"
        }
    }

    /// The field holding the backend: `spec.defaultBackend`, `spec.rules[0].http.paths[1].backend`.
    var backendText: String {
        if case .path = self { return text + ".backend" }
        return text
    }
}
