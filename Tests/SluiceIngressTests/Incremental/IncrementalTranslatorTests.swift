import Foundation
import KubeModels
import SluiceRouting
import SluiceTestSupport
import Testing

@testable import SluiceIngress

/// The incremental translator against a whole translation, on random clusters changed at random:
/// after every change both must give the same table, diagnostics, owned Ingresses and referenced
/// Secrets.
@Suite struct IncrementalTranslatorTests {
    static let now = TLSFixtures.date("2030-06-01T00:00:00Z")
    static let options = TranslationOptions(defaultCertificateSecret: "edge/default-cert")

    /// Each step yields: the whole suite shares two cooperative threads with the controller
    /// tests' timers, which a few seconds of translation in a row would hold up.
    /// With `namedChanges`, each call also names what changed since the previous one, as the
    /// controller's cache does, and untouched groups are not even looked at.
    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64], [false, true])
    func matchesAWholeTranslationAfterEveryRandomChange(seed: UInt64, namedChanges: Bool) async throws {
        var random = SeededRandom(seed: seed)
        var cluster = try RandomCluster(random: &random)
        // Odd seeds with --default-backend-service too (a Service the changes replace and remove).
        var options = Self.options
        if !seed.isMultiple(of: 2) { options.defaultBackendService = "shop/s1" }
        var incremental = IncrementalTranslator(options: options)
        var previous: ClusterInputs?
        for step in 0..<60 {
            await Task.yield()
            if step > 0 { try cluster.change(random: &random) }
            let snapshot = cluster.snapshot
            var inputs = ClusterInputs(snapshot)
            if namedChanges, let previous { inputs.changed = ChangedKeys.between(previous, inputs) }
            previous = inputs
            let whole = IngressTranslator.translate(snapshot, options: options, now: Self.now)
            let merged = incremental.translate(inputs, now: Self.now)
            #expect(merged.table == whole.table, "seed \(seed) step \(step): tables differ")
            #expect(Set(merged.diagnostics) == Set(whole.diagnostics), "seed \(seed) step \(step)")
            #expect(merged.diagnostics.count == Set(merged.diagnostics).count)
            #expect(merged.ownedIngresses == whole.ownedIngresses, "seed \(seed) step \(step)")
            #expect(merged.referencedSecrets == whole.referencedSecrets, "seed \(seed) step \(step)")
            if merged.table != whole.table { return }
        }
    }

    @Test func aChangeTranslatesOnlyTheGroupsItTouches() throws {
        var ingresses: [Ingress] = []
        var services: [Service] = []
        for i in 0..<50 {
            ingresses.append(RandomCluster.ingress("i\(i)", namespace: "shop", hosts: ["h\(i).example.com"], service: "s\(i)"))
            services.append(RandomCluster.service("s\(i)", namespace: "shop"))
        }
        var snapshot = ClusterSnapshot(ingresses: ingresses, services: services)
        var incremental = IncrementalTranslator(options: TranslationOptions(servesClasslessWithoutIngressClasses: true))
        _ = incremental.translate(ClusterInputs(snapshot), now: Self.now)
        #expect(incremental.lastTranslatedGroups == 51)  // 50 groups and the default certificate's

        snapshot.ingresses[7].metadata.annotations = ["sluice.io/proxy-read-timeout": "5s"]
        let result = incremental.translate(ClusterInputs(snapshot), now: Self.now)
        #expect(incremental.lastTranslatedGroups == 1)
        #expect(result.table.routes.first { $0.source == "shop/i7" }?.policy.readTimeout == .seconds(5))

        snapshot.services[3].spec?.ports?[0].port = 81
        _ = incremental.translate(ClusterInputs(snapshot), now: Self.now)
        #expect(incremental.lastTranslatedGroups == 1)

        // Nothing changed: nothing translated; much later, everything is judged again.
        _ = incremental.translate(ClusterInputs(snapshot), now: Self.now)
        #expect(incremental.lastTranslatedGroups == 0)
        _ = incremental.translate(ClusterInputs(snapshot), now: Self.now + 3600)
        #expect(incremental.lastTranslatedGroups == 51)
    }
}

extension ChangedKeys {
    /// What differs between two inputs, in what translation reads: what the controller's cache
    /// records as events arrive.
    static func between(_ old: ClusterInputs, _ new: ClusterInputs) -> ChangedKeys {
        var changed = ChangedKeys()
        changed.everything = Dictionary(uniqueKeysWithValues: old.ingressClasses.map { ($0.key, $0.value) })
            != Dictionary(uniqueKeysWithValues: new.ingressClasses.map { ($0.key, $0.value) })
        for key in Set(old.ingresses.keys + new.ingresses.keys) where !same(old.ingresses[key], new.ingresses[key]) {
            changed.ingresses.insert(key)
        }
        for key in Set(old.services.keys + new.services.keys) where !same(old.services[key], new.services[key]) {
            changed.services.insert(key)
        }
        for key in Set(old.endpointSlices.keys + new.endpointSlices.keys)
        where !same(old.endpointSlices[key], new.endpointSlices[key]) {
            changed.endpointSlices.insert(key)
            for slice in [old.endpointSlices[key], new.endpointSlices[key]].compactMap({ $0 }) {
                if let service = slice.serviceName {
                    changed.endpointSliceServices.insert("\(ClusterInputs.namespace(slice.metadata))/\(service)")
                }
            }
        }
        let secretKeys = Set(old.secretSlots.flatMap(\.keys) + new.secretSlots.flatMap(\.keys))
            .union(old.unloadedSecrets).union(new.unloadedSecrets)
        for key in secretKeys
        where old.secret(key) != new.secret(key) || old.unloadedSecrets.contains(key) != new.unloadedSecrets.contains(key) {
            changed.secrets.insert(key)
        }
        return changed
    }

    private static func same<T: TranslationInputs>(_ a: T?, _ b: T?) -> Bool {
        switch (a, b) {
        case (nil, nil): true
        case (let a?, let b?): a.sameTranslationInputs(as: b)
        default: false
        }
    }
}

/// A deterministic generator (SplitMix64), so a failing seed can be replayed.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
