import Foundation

/// One change, as a WATCH reports it.
struct FakeKubeChange: Sendable {
    var revision: Int
    var collection: FakeKubeCollection
    var key: FakeKubeObjectKey
    /// `ADDED`, `MODIFIED` or `DELETED`.
    var type: String
    /// The object as stored (without `kind`/`apiVersion`).
    var object: FakeKubeJSON
}

/// The fake API server's state: objects per collection, a global revision counter (like etcd's),
/// the change history WATCHes replay, and how far that history was compacted. A pure value; the
/// server holds it behind a lock.
struct FakeKubeStore: Sendable {
    private(set) var collections: [FakeKubeCollection: [FakeKubeObjectKey: FakeKubeJSON]] = [:]
    /// Revision of the last write. Starts high so tests cannot mistake it for a count.
    private(set) var revision = 1000
    private(set) var history: [FakeKubeChange] = []
    /// Watches from before this revision get `410 Expired`.
    private(set) var oldestWatchableRevision = 0
    /// Continue tokens minted in an older epoch are expired.
    private(set) var continueEpoch = 0
    private var nameCounter = 0

    func object(_ collection: FakeKubeCollection, _ key: FakeKubeObjectKey) -> FakeKubeJSON? {
        collections[collection]?[key]
    }

    /// Objects of `collection`, in namespace/name order, optionally of one namespace.
    func objects(_ collection: FakeKubeCollection, namespace: String? = nil) -> [(FakeKubeObjectKey, FakeKubeJSON)] {
        (collections[collection] ?? [:])
            .filter { namespace == nil || $0.key.namespace == namespace }
            .sorted { $0.key < $1.key }
            .map { ($0.key, $0.value) }
    }

    /// Stores `object` whether or not it exists (the test API's `put`).
    @discardableResult
    mutating func upsert(_ collection: FakeKubeCollection, _ object: FakeKubeJSON) -> FakeKubeJSON {
        let key = Self.key(of: object)
        let existing = collections[collection]?[key]
        return write(collection, key, object, type: existing == nil ? "ADDED" : "MODIFIED", previous: existing)
    }

    /// POST: 409 AlreadyExists if the name is taken; `generateName` picks a fresh name.
    mutating func create(
        _ collection: FakeKubeCollection, namespace: String?, _ object: FakeKubeJSON
    ) throws(FakeKubeStatus) -> FakeKubeJSON {
        var object = object
        if let namespace { object["metadata"]?["namespace"] = .string(namespace) }
        if object.string(at: ["metadata", "name"]) == nil {
            guard let prefix = object.string(at: ["metadata", "generateName"]) else {
                throw .badRequest("name or generateName is required")
            }
            nameCounter += 1
            object["metadata"]?["name"] = .string(prefix + String(format: "%05x", nameCounter))
        }
        let key = Self.key(of: object)
        if collections[collection]?[key] != nil { throw .alreadyExists(collection, key.name) }
        object["metadata"]?["resourceVersion"] = nil
        return write(collection, key, object, type: "ADDED", previous: nil)
    }

    /// PUT: 404 if missing, 409 Conflict if `metadata.resourceVersion` is set and stale.
    mutating func update(
        _ collection: FakeKubeCollection, _ key: FakeKubeObjectKey, _ object: FakeKubeJSON
    ) throws(FakeKubeStatus) -> FakeKubeJSON {
        guard let existing = collections[collection]?[key] else { throw .notFound(collection, key.name) }
        if let version = object.string(at: ["metadata", "resourceVersion"]), !version.isEmpty,
            version != existing.string(at: ["metadata", "resourceVersion"])
        {
            throw .conflict(collection, key.name)
        }
        return write(collection, key, object, type: "MODIFIED", previous: existing)
    }

    /// PATCH with a merge patch; on the `status` subresource only `status` changes.
    mutating func mergePatch(
        _ collection: FakeKubeCollection, _ key: FakeKubeObjectKey, _ patch: FakeKubeJSON, statusOnly: Bool
    ) throws(FakeKubeStatus) -> FakeKubeJSON {
        guard let existing = collections[collection]?[key] else { throw .notFound(collection, key.name) }
        var effective = patch
        if statusOnly { effective = .object(["status": patch["status"] ?? .null]) }
        if case .object(var fields) = effective, !statusOnly {
            fields["metadata"]?["resourceVersion"] = nil
            effective = .object(fields)
        }
        return write(collection, key, existing.mergePatched(with: effective), type: "MODIFIED", previous: existing)
    }

    @discardableResult
    mutating func delete(_ collection: FakeKubeCollection, _ key: FakeKubeObjectKey) -> FakeKubeJSON? {
        guard let existing = collections[collection]?.removeValue(forKey: key) else { return nil }
        revision += 1
        var tombstone = existing
        tombstone["metadata"]?["resourceVersion"] = .string(String(revision))
        history.append(FakeKubeChange(revision: revision, collection: collection, key: key, type: "DELETED", object: tombstone))
        return tombstone
    }

    /// Forgets the history: WATCHes from any version seen so far get `410 Expired`, and
    /// outstanding continue tokens expire.
    mutating func compact() {
        history.removeAll()
        oldestWatchableRevision = revision + 1
        continueEpoch += 1
    }

    /// Changes to `collection` after `revision`, or the 410 Status if they were compacted away.
    func changes(
        _ collection: FakeKubeCollection, after revision: Int, namespace: String?
    ) -> Result<[FakeKubeChange], FakeKubeStatus> {
        if revision < oldestWatchableRevision - 1 {
            return .failure(.tooOldResourceVersion(revision, oldest: oldestWatchableRevision))
        }
        return .success(
            history.filter {
                $0.revision > revision && $0.collection == collection && (namespace == nil || $0.key.namespace == namespace)
            })
    }

    private mutating func write(
        _ collection: FakeKubeCollection, _ key: FakeKubeObjectKey, _ object: FakeKubeJSON, type: String,
        previous: FakeKubeJSON?
    ) -> FakeKubeJSON {
        revision += 1
        var stored = object
        stored["kind"] = nil
        stored["apiVersion"] = nil
        var metadata = stored["metadata"] ?? .object([:])
        metadata["resourceVersion"] = .string(String(revision))
        metadata["uid"] = previous?["metadata"]?["uid"] ?? metadata["uid"] ?? .string(UUID().uuidString.lowercased())
        metadata["creationTimestamp"] =
            previous?["metadata"]?["creationTimestamp"] ?? metadata["creationTimestamp"]
            ?? .string(Self.timestamp(Date()))
        stored["metadata"] = metadata
        collections[collection, default: [:]][key] = stored
        history.append(FakeKubeChange(revision: revision, collection: collection, key: key, type: type, object: stored))
        return stored
    }

    static func key(of object: FakeKubeJSON) -> FakeKubeObjectKey {
        FakeKubeObjectKey(
            namespace: object.string(at: ["metadata", "namespace"]) ?? "",
            name: object.string(at: ["metadata", "name"]) ?? "")
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
