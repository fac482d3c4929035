import KubeModels
import SluiceIngress

/// The live ``ClusterObjects``, written by the reflectors and read by the reconcile loop.
///
/// Writers only mark the cache dirty (a change counter, the time of the last change, and a
/// signal); what to do about it is the reconcile loop's business (level-triggered). A write that
/// changes nothing translation reads (``CacheChange/statusOnly``: status, bookkeeping) is stored
/// and marks only ``statusPending``: the table cannot change, but the status writer may care.
///
/// Secrets, whoever writes them, pass through ``SecretRetention``: only referenced ones keep
/// their data (see `ObjectCache+Secrets.swift`).
public actor ObjectCache {
    public internal(set) var objects = ClusterObjects()
    /// Increases on every write that changed something.
    public private(set) var changeCount: UInt64 = 0
    /// The first and the last change not yet taken by ``takeForRebuild()``.
    public private(set) var pending: (first: ContinuousClock.Instant, last: ContinuousClock.Instant)?
    /// Whether a status-only change arrived since the objects were last taken.
    public private(set) var statusPending = false
    /// What changed in what translation reads since the last ``takeForRebuild()`` (at first:
    /// everything).
    var changedKeys = ChangedKeys.all
    /// The Ingresses written since the last take, status-only writes included (what the status
    /// writer looks at); nil: every Ingress (a LIST, or a change that may make any Ingress ours
    /// or not ours, such as an IngressClass).
    private var ingressesWritten: Set<String>?
    private var unsynced: Set<String>
    private let signal: AsyncStream<Void>.Continuation
    /// Yields (coalesced) after every change and when the last reflector syncs.
    public nonisolated let changes: AsyncStream<Void>
    var retention = SecretRetention()
    let fetchSignal: AsyncStream<String>.Continuation
    /// `namespace/name` of each Secret to GET, once per fetch (``SecretFetcher`` reads it).
    nonisolated let secretFetches: AsyncStream<String>
    /// Counts the changes to what translation reads.
    nonisolated let metrics: ControllerMetrics

    /// `reflectors`: the names of the reflectors that must each finish a LIST before
    /// ``hasSynced`` is true.
    public init(reflectors: Set<String>, metrics: ControllerMetrics = ControllerMetrics()) {
        self.unsynced = reflectors
        self.metrics = metrics
        (changes, signal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        (secretFetches, fetchSignal) = AsyncStream.makeStream(of: String.self)
    }

    /// True once every reflector has listed.
    public var hasSynced: Bool { unsynced.isEmpty }

    /// A reflector's LIST result: the slot becomes exactly `items`.
    public func replace<Object: KubeObject>(
        _ items: [Object], in slot: ClusterObjectsSlot<Object>, reflector: String
    ) {
        let change: CacheChange
        if let slot = (slot as AnyKeyPath) as? SecretSlot, let secrets = items as? [Secret] {
            change = replaceSecrets(secrets, in: slot) ? .translationInput : .none
        } else {
            change = objects.replace(items, in: slot)
            if change == .translationInput { changedKeys.everything = true }
            if change != .none, Object.self == Ingress.self { ingressesWritten = nil }
        }
        let justSynced = unsynced.remove(reflector) != nil && unsynced.isEmpty
        mark(justSynced ? .translationInput : change)
    }

    public func upsert<Object: KubeObject>(_ object: Object, in slot: ClusterObjectsSlot<Object>) {
        if let slot = (slot as AnyKeyPath) as? SecretSlot, let secret = object as? Secret {
            if upsertSecret(secret, in: slot) { markDirty() }
        } else {
            let previous = objects[keyPath: slot][object.namespacedName]
            let change = objects.upsert(object, in: slot)
            if change == .translationInput { changedKeys.record(previous, object) }
            if change != .none, object is Ingress { ingressesWritten?.insert(object.namespacedName) }
            mark(change)
        }
    }

    public func delete<Object: KubeObject>(_ object: Object, in slot: ClusterObjectsSlot<Object>) {
        if let slot = (slot as AnyKeyPath) as? SecretSlot, let secret = object as? Secret {
            if deleteSecret(secret, in: slot) { markDirty() }
        } else if let removed = objects[keyPath: slot][object.namespacedName], objects.delete(object, in: slot) {
            changedKeys.record(removed, nil)
            if object is Ingress { ingressesWritten?.insert(object.namespacedName) }
            markDirty()
        }
    }

    /// The objects as they are now and what changed in them since the last rebuild took them;
    /// clears ``pending`` and ``statusPending``.
    /// `ingressesWritten`: the Ingresses written since the last take (nil: look at all).
    public func takeForRebuild() -> (objects: ClusterObjects, changed: ChangedKeys, ingressesWritten: Set<String>?) {
        pending = nil
        statusPending = false
        let changed = changedKeys
        let written = changed.everything ? nil : ingressesWritten
        changedKeys = ChangedKeys()
        ingressesWritten = []
        return (objects, changed, written)
    }

    /// The objects as they are now, for the status writer alone, and the Ingresses written since
    /// the last take (nil: look at all); clears ``statusPending``.
    public func takeForStatus() -> (objects: ClusterObjects, ingressesWritten: Set<String>?) {
        statusPending = false
        let written = changedKeys.everything ? nil : ingressesWritten
        ingressesWritten = []
        return (objects, written)
    }

    /// Ends ``changes`` and ``secretFetches``.
    public func finish() {
        signal.finish()
        fetchSignal.finish()
    }

    private func mark(_ change: CacheChange) {
        switch change {
        case .none: break
        case .statusOnly:
            statusPending = true
            signal.yield()
        case .translationInput: markDirty()
        }
    }

    func markDirty() {
        metrics.clusterChanged()
        changeCount &+= 1
        let now = ContinuousClock.now
        pending = (pending?.first ?? now, now)
        signal.yield()
    }
}

/// Where a reflector writes: a slot of an ``ObjectCache``.
public struct ReflectorSink<Object: KubeObject>: Sendable {
    public let cache: ObjectCache
    public let slot: ClusterObjectsSlot<Object>
    /// The reflector's name, for ``ObjectCache/hasSynced``.
    public let reflector: String

    public init(cache: ObjectCache, slot: ClusterObjectsSlot<Object>, reflector: String) {
        self.cache = cache
        self.slot = slot
        self.reflector = reflector
    }

    func replace(_ items: [Object]) async { await cache.replace(items, in: slot, reflector: reflector) }
    func upsert(_ object: Object) async { await cache.upsert(object, in: slot) }
    func delete(_ object: Object) async { await cache.delete(object, in: slot) }
}
