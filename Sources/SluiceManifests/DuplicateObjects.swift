/// Finds objects defined more than once (same kind, namespace and name) across manifests. The
/// API server would keep only one; in files, which one wins would depend on file order, so every
/// repeat is an error naming where the object was first defined.
enum DuplicateObjects {
    struct Located {
        var object: ManifestObject
        var file: String
        var document: Int
    }

    static func errors(in objects: [Located]) -> [ManifestError] {
        var firstSeen: [ManifestObject.Identity: Located] = [:]
        var errors: [ManifestError] = []
        for located in objects {
            let identity = located.object.identity
            if let first = firstSeen[identity] {
                let place = first.file == located.file
                    ? "document \(first.document) of this file" : "\(first.file) document \(first.document)"
                errors.append(ManifestError(
                    file: located.file, document: located.document,
                    message: "duplicate \(identity): already defined in \(place); only one definition is allowed"))
            } else {
                firstSeen[identity] = located
            }
        }
        return errors
    }
}

extension ManifestObject {
    /// Kind, namespace (empty for cluster-scoped kinds) and name: what the API server keys on.
    struct Identity: Hashable, CustomStringConvertible {
        var kind: String
        var namespace: String
        var name: String

        var description: String { namespace.isEmpty ? "\(kind) \(name)" : "\(kind) \(namespace)/\(name)" }
    }

    var identity: Identity {
        switch self {
        case .ingress(let o): Identity(kind: "Ingress", namespace: o.metadata.namespace ?? "", name: o.metadata.name ?? "")
        case .ingressClass(let o): Identity(kind: "IngressClass", namespace: "", name: o.metadata.name ?? "")
        case .service(let o): Identity(kind: "Service", namespace: o.metadata.namespace ?? "", name: o.metadata.name ?? "")
        case .endpointSlice(let o):
            Identity(kind: "EndpointSlice", namespace: o.metadata.namespace ?? "", name: o.metadata.name ?? "")
        case .secret(let o): Identity(kind: "Secret", namespace: o.metadata.namespace ?? "", name: o.metadata.name ?? "")
        }
    }
}
