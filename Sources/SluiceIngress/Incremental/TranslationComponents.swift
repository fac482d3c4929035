import KubeModels
import SluiceRouting

/// The served Ingresses split into groups that translate independently: two Ingresses share a
/// group when they name a common host (in a rule or in `spec.tls`) or both declare
/// `spec.defaultBackend` — everything one Ingress's translation can do to another's (path
/// conflicts, a host's TLS slot, the default backend) happens inside a group. Translating each
/// group alone and merging gives the table a whole translation gives.
struct TranslationComponents {
    /// Each group's Ingresses, by `namespace/name`, sorted; groups in no particular order.
    let groups: [[String]]

    init(_ ingresses: ObjectMap<Ingress>, isServed: (Ingress) -> Bool) {
        var parent: [String: String] = [:]
        func root(_ key: String) -> String {
            var key = key
            while let up = parent[key], up != key {
                parent[key] = parent[up] ?? up
                key = up
            }
            return key
        }
        var owner: [JoinKey: String] = [:]
        for (key, ingress) in ingresses where isServed(ingress) {
            parent[key] = key
            for join in Self.joinKeys(ingress) {
                if let other = owner[join] {
                    let (a, b) = (root(key), root(other))
                    if a != b { parent[a] = b }
                } else {
                    owner[join] = key
                }
            }
        }
        var groups: [String: [String]] = [:]
        for key in parent.keys { groups[root(key), default: []].append(key) }
        self.groups = groups.values.map { $0.sorted() }
    }

    private enum JoinKey: Hashable {
        case host(HostMatch)
        case defaultBackend
    }

    private static func joinKeys(_ ingress: Ingress) -> Set<JoinKey> {
        var keys = Set<JoinKey>()
        for rule in ingress.spec?.rules ?? [] { keys.insert(.host(HostMatch(ingressHost: rule.host))) }
        for entry in ingress.spec?.tls ?? [] {
            for host in entry.hosts ?? [] where !host.isEmpty { keys.insert(.host(HostMatch(ingressHost: host))) }
        }
        if ingress.spec?.defaultBackend != nil { keys.insert(.defaultBackend) }
        return keys
    }
}
