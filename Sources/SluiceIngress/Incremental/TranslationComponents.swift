import KubeModels
import SluiceRouting

/// The served Ingresses split into groups that translate independently: two Ingresses share a
/// group when they name a common host (in a rule or in `spec.tls`) or both declare
/// `spec.defaultBackend` — everything one Ingress's translation can do to another's (path
/// conflicts, a host's TLS slot, the default backend) happens inside a group. Translating each
/// group alone and merging gives the table a whole translation gives.
///
/// Kept from call to call: a change re-forms only the groups around the Ingresses it names
/// (``update(changed:in:isServed:)``), at a cost in proportion to those groups.
struct TranslationComponents {
    /// A group: its Ingresses by `namespace/name`, sorted.
    typealias Group = [String]

    /// Each served Ingress's group.
    private var groupOf: [String: Group] = [:]
    /// Each served Ingress's join keys (possibly none: it is a group of its own).
    private var joinKeysOf: [String: [JoinKey]] = [:]
    /// The served Ingresses holding each join key.
    private var holders: [JoinKey: SmallSet<String>] = [:]

    /// Forms the groups of every served Ingress.
    init(_ ingresses: ObjectMap<Ingress>, isServed: (Ingress) -> Bool) {
        for (key, ingress) in ingresses where isServed(ingress) { add(key, ingress) }
        _ = form(around: Set(joinKeysOf.keys))
    }

    /// Every group, in no particular order.
    var groups: [Group] {
        groupOf.compactMap { key, group in group.first == key ? group : nil }
    }

    /// Re-forms the groups after the Ingresses `changed` were added, changed or removed in
    /// `ingresses`: returns the groups that ceased to exist as they were and the groups formed in
    /// their place (a group may be in both, when its members did not change).
    mutating func update(
        changed: Set<String>, in ingresses: ObjectMap<Ingress>, isServed: (Ingress) -> Bool
    ) -> (dissolved: Set<Group>, formed: [Group]) {
        var dissolved = Set<Group>()
        var seeds = Set<String>()
        for key in changed {
            if let group = groupOf[key] {
                dissolved.insert(group)
                seeds.formUnion(group)
            }
            remove(key)
            if let ingress = ingresses[key], isServed(ingress) { add(key, ingress) }
            seeds.insert(key)
        }
        let formed = form(around: seeds.filter { joinKeysOf[$0] != nil }, dissolving: &dissolved)
        return (dissolved, formed)
    }

    /// Forms the connected groups that hold `seeds` (served Ingresses); any earlier group they
    /// reach is dissolved into them.
    private mutating func form(around seeds: Set<String>) -> [Group] {
        var dissolved = Set<Group>()
        return form(around: seeds, dissolving: &dissolved)
    }

    private mutating func form(around seeds: Set<String>, dissolving dissolved: inout Set<Group>) -> [Group] {
        var visited = Set<String>()
        var formed: [Group] = []
        for seed in seeds where !visited.contains(seed) {
            visited.insert(seed)
            var members = [seed]
            var next = 0
            while next < members.count {
                let key = members[next]
                next += 1
                if let old = groupOf[key] { dissolved.insert(old) }
                for join in joinKeysOf[key] ?? [] {
                    guard let others = holders[join] else { continue }
                    for other in others where visited.insert(other).inserted { members.append(other) }
                }
            }
            let group = members.sorted()
            for key in group { groupOf[key] = group }
            formed.append(group)
        }
        return formed
    }

    private mutating func add(_ key: String, _ ingress: Ingress) {
        let joins = Self.joinKeys(ingress)
        joinKeysOf[key] = Array(joins)
        for join in joins { holders.insert(key, at: join) }
    }

    private mutating func remove(_ key: String) {
        groupOf[key] = nil
        guard let joins = joinKeysOf.removeValue(forKey: key) else { return }
        for join in joins { holders.remove(key, at: join) }
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
        // Its redirect claims each host's sibling name unless another Ingress serves it.
        if redirectsWWW(ingress) {
            for rule in ingress.spec?.rules ?? [] {
                if case .exact(let name) = HostMatch(ingressHost: rule.host), let sibling = WWWRedirectProcessor.sibling(of: name) {
                    keys.insert(.host(.exact(sibling)))
                }
            }
        }
        return keys
    }

    /// Whether `from-to-www-redirect` is set to anything but false, under either prefix: an
    /// invalid value joins too (harmless), never too few.
    private static func redirectsWWW(_ ingress: Ingress) -> Bool {
        guard let annotations = ingress.metadata.annotations else { return false }
        let names = [IngressAnnotations.sluicePrefix, IngressAnnotations.nginxPrefix].map { $0 + "from-to-www-redirect" }
        return names.contains { name in annotations[name].map { $0.lowercased() != "false" } ?? false }
    }
}
