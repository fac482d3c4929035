import Foundation
import NIOCore

/// Everything the fake API server knows: the store, open watches, scripted faults, the request
/// log and the tokens it accepts. Lives behind one lock; methods that touch watchers only queue
/// writes (see ``FakeKubeWatcher``), so holding the lock while calling them is safe.
struct FakeKubeServerState: Sendable {
    var store = FakeKubeStore()
    var watchers: [ObjectIdentifier: FakeKubeWatcher] = [:]
    /// Scripted failures by exact URL path, first in first out.
    var faults: [String: [FakeKubeFault]] = [:]
    /// How many more LIST requests carrying a `continue` token get 410 Expired.
    var expiringContinueTokens = 0
    var log: [FakeKubeRequest] = []
    /// Nil accepts any request; otherwise `Authorization: Bearer <one of these>` is required.
    var acceptedTokens: Set<String>?
    /// How many TCP connections the server has accepted (HTTP/2 streams are not connections).
    var acceptedConnections = 0
    /// Exact URL paths whose answers are held (decided on arrival, sent on release).
    var heldPaths: Set<String> = []
    /// The held answers, released in order.
    var heldAnswers: [EventLoopPromise<Void>] = []

    /// A future that releases the answer to `request`, when its path is held; nil: answer now.
    mutating func hold(_ request: FakeKubeRequest, on loop: any EventLoop) -> EventLoopFuture<Void>? {
        guard heldPaths.contains(request.path) else { return nil }
        let release = loop.makePromise(of: Void.self)
        heldAnswers.append(release)
        return release.futureResult
    }

    /// Counts a newly accepted connection; returns its number, from 1.
    mutating func acceptConnection() -> Int {
        acceptedConnections += 1
        return acceptedConnections
    }

    /// Sends every change since `revision` to the watches that want it.
    func publish(after revision: Int) {
        let changes = store.history.reversed().prefix { $0.revision > revision }.reversed()
        guard !changes.isEmpty else { return }
        for watcher in watchers.values {
            guard let filter = watcher.filter else { continue }
            for change in changes where filter.matches(change) {
                watcher.send(Self.eventLine(type: change.type, object: change.object, collection: change.collection))
            }
        }
    }

    /// Runs a store mutation and publishes what it changed.
    mutating func mutate<Result>(_ body: (inout FakeKubeStore) throws(FakeKubeStatus) -> Result) throws(FakeKubeStatus) -> Result {
        let before = store.revision
        defer { publish(after: before) }
        return try body(&store)
    }

    /// Ends a watch (after a bookmark at the current revision if it allowed them).
    mutating func endWatch(_ watcher: FakeKubeWatcher) {
        guard watchers.removeValue(forKey: ObjectIdentifier(watcher)) != nil else { return }
        if let filter = watcher.filter, filter.allowBookmarks {
            watcher.end(after: bookmarkLine(filter.collection))
        } else {
            watcher.end()
        }
    }

    func bookmarkLine(_ collection: FakeKubeCollection) -> [UInt8] {
        Self.eventLine(
            type: "BOOKMARK",
            object: .object([
                "metadata": .object([
                    "resourceVersion": .string(String(store.revision)), "creationTimestamp": .null,
                ]),
                "spec": .object([:]),
            ]),
            collection: collection)
    }

    /// `{"type":TYPE,"object":OBJECT}` with `kind`/`apiVersion` set on the object, as WATCH sends.
    static func eventLine(type: String, object: FakeKubeJSON, collection: FakeKubeCollection) -> [UInt8] {
        var object = object
        if object["kind"] == nil { object["kind"] = .string(collection.kind) }
        if object["apiVersion"] == nil { object["apiVersion"] = .string(collection.groupVersion) }
        return Array((try? FakeKubeJSON.object(["type": .string(type), "object": object]).serialized()) ?? Data())
    }

    /// The same, for an ERROR event carrying a Status.
    static func errorLine(_ status: FakeKubeStatus) -> [UInt8] {
        Array((try? FakeKubeJSON.object(["type": .string("ERROR"), "object": status.json]).serialized()) ?? Data())
    }
}
