import KubeModels

/// A slot of ``ClusterObjects`` holding Secrets, as the cache recognises it in a generic write.
/// The check goes through `AnyKeyPath`, a class downcast decided at run time: cast directly,
/// Swift 6.x warns that a generic slot "always fails" to cast, which is not so.
typealias SecretSlot = WritableKeyPath<ClusterObjects, ObjectMap<Secret>>

/// Secrets pass through ``SecretRetention`` on their way in: a referenced one is stored whole,
/// any other as a stub. A change to an unreferenced Secret is stored but does not mark the cache
/// dirty: translation never reads one, so the table cannot change.
extension ObjectCache {
    /// A LIST of Secrets: the slot becomes `items`. Returns whether the table may change.
    func replaceSecrets(_ items: [Secret], in slot: SecretSlot) -> Bool {
        var fresh = ObjectMap<Secret>()
        var matters = false
        for item in items {
            let key = item.namespacedName
            let kept = retention.admit(item)
            if objects[keyPath: slot][key] != kept && retention.matters(key) { matters = true }
            fresh[key] = kept
        }
        changedKeys.everything = true
        for key in objects[keyPath: slot].keys where fresh[key] == nil {
            retention.removed(key)
            if retention.matters(key) { matters = true }
        }
        objects[keyPath: slot] = fresh
        updateWithheld()
        return matters
    }

    /// An ADDED or MODIFIED Secret. Returns whether the table may change.
    func upsertSecret(_ secret: Secret, in slot: SecretSlot) -> Bool {
        let key = secret.namespacedName
        let kept = retention.admit(secret)
        let changed = objects[keyPath: slot][key] != kept
        if changed { changedKeys.secrets.insert(key) }
        objects[keyPath: slot][key] = kept
        updateWithheld()
        return changed && retention.matters(key)
    }

    /// A DELETED Secret. Returns whether the table may change.
    func deleteSecret(_ secret: Secret, in slot: SecretSlot) -> Bool {
        let key = secret.namespacedName
        retention.removed(key)
        let existed = objects[keyPath: slot].removeValue(forKey: key) != nil
        if existed { changedKeys.secrets.insert(key) }
        updateWithheld()
        return existed && retention.matters(key)
    }

    /// After a rebuild: translation read exactly the Secrets `keys`
    /// (``TranslationResult/referencedSecrets``). Drops the data of every other Secret (without
    /// marking the cache dirty: the table did not read it) and asks for the referenced ones held
    /// as stubs on ``secretFetches``.
    func reference(_ keys: Set<String>) {
        let held = objects.secrets.keys + objects.defaultCertificateSecrets.keys + objects.opaqueSecrets.keys
        for key in retention.reference(keys, held: held) {
            guard let slot = slot(holding: key), let secret = objects[keyPath: slot][key] else { continue }
            objects[keyPath: slot][key] = SecretRetention.stub(secret)
            changedKeys.secrets.insert(key)
            retention.dropped(key)
        }
        updateWithheld()
        startFetches()
    }

    /// A GET of the Secret `key` ended with `result`; folds it in as ``SecretRetention`` says.
    /// A Secret of another type than the stub's (a type is immutable: the name was reused) is, to
    /// the stub's slot, none at all; its own reflector brings it. Returns true when the GET should
    /// be retried after backoff.
    func fetched(_ key: String, _ result: SecretRetention.FetchResult) -> Bool {
        var result = result
        if case .found(let secret) = result, let slot = slot(holding: key), objects[keyPath: slot][key]?.type != secret.type {
            result = .notFound
        }
        switch retention.fetched(key, result) {
        case .store(let secret):
            if let slot = slot(holding: key) {
                objects[keyPath: slot][key] = secret
                changedKeys.secrets.insert(key)
                markDirty()
            }
        case .remove:
            if let slot = slot(holding: key) {
                objects[keyPath: slot][key] = nil
                changedKeys.secrets.insert(key)
                markDirty()
            }
        case .drop:
            break
        case .retry:
            return true
        }
        updateWithheld()
        startFetches()
        return false
    }

    /// `withheldSecrets` as retention says, the Secrets that moved in or out recorded as changed.
    private func updateWithheld() {
        let withheld = retention.withheld
        guard withheld != objects.withheldSecrets else { return }
        changedKeys.secrets.formUnion(withheld.symmetricDifference(objects.withheldSecrets))
        objects.withheldSecrets = withheld
    }

    private func slot(holding key: String) -> SecretSlot? {
        if objects.secrets[key] != nil { return \ClusterObjects.secrets }
        if objects.defaultCertificateSecrets[key] != nil { return \ClusterObjects.defaultCertificateSecrets }
        if objects.opaqueSecrets[key] != nil { return \ClusterObjects.opaqueSecrets }
        return nil
    }

    private func startFetches() {
        for key in retention.startFetches() { fetchSignal.yield(key) }
    }
}
