import Foundation
import KubeModels

/// Seeding, inspection and scripted faults for tests.
extension FakeKubeAPIServer {
    // MARK: Objects

    /// Stores `object` (created or replaced) and notifies open watches; returns its new
    /// resourceVersion.
    @discardableResult
    public func put<T: KubeAPIResource>(_ object: T) throws -> String {
        try put(FakeKubeJSON(encoding: object), in: FakeKubeCollection(T.self))
    }

    /// Stores a raw JSON object (it must have `metadata.name`, and `metadata.namespace` for
    /// namespaced kinds); returns its new resourceVersion.
    @discardableResult
    public func put(_ object: FakeKubeJSON, in collection: FakeKubeCollection) -> String {
        state.withLockedValue { state in
            let stored = try? state.mutate { store in store.upsert(collection, object) }
            return stored?.string(at: ["metadata", "resourceVersion"]) ?? ""
        }
    }

    /// Deletes an object and notifies open watches. Returns whether it existed.
    @discardableResult
    public func delete(_ collection: FakeKubeCollection, namespace: String? = nil, name: String) -> Bool {
        state.withLockedValue { state in
            let key = FakeKubeObjectKey(namespace: namespace ?? "", name: name)
            return (try? state.mutate { store in store.delete(collection, key) }) != nil
        }
    }

    @discardableResult
    public func delete<T: KubeAPIResource>(_ type: T.Type, namespace: String? = nil, name: String) -> Bool {
        delete(FakeKubeCollection(T.self), namespace: namespace, name: name)
    }

    /// Stored objects of a collection, in namespace/name order, without `kind`/`apiVersion`.
    public func objects(_ collection: FakeKubeCollection, namespace: String? = nil) -> [FakeKubeJSON] {
        state.withLockedValue { $0.store.objects(collection, namespace: namespace).map(\.1) }
    }

    public func objects<T: KubeAPIResource>(_ type: T.Type, namespace: String? = nil) throws -> [T] {
        try objects(FakeKubeCollection(T.self), namespace: namespace).map { try $0.decoded(as: T.self) }
    }

    public func object(_ collection: FakeKubeCollection, namespace: String? = nil, name: String) -> FakeKubeJSON? {
        state.withLockedValue { $0.store.object(collection, FakeKubeObjectKey(namespace: namespace ?? "", name: name)) }
    }

    /// The revision of the last write (what a LIST would report now).
    public var resourceVersion: String {
        state.withLockedValue { String($0.store.revision) }
    }

    // MARK: Requests and credentials

    /// Every request received so far, in order.
    public var requests: [FakeKubeRequest] {
        state.withLockedValue { $0.log }
    }

    /// How many TCP connections the server has accepted so far; over HTTP/2 many requests can
    /// share one.
    public var acceptedConnectionCount: Int {
        state.withLockedValue { $0.acceptedConnections }
    }

    public func clearRequests() {
        state.withLockedValue { $0.log.removeAll() }
    }

    /// Replaces the accepted bearer tokens (nil: accept anything), e.g. to model rotation.
    public func setAcceptedTokens(_ tokens: Set<String>?) {
        state.withLockedValue { $0.acceptedTokens = tokens }
    }

    // MARK: Faults

    /// The next `count` requests to exactly `path` (no query) get `fault` instead of an answer.
    public func failNext(_ count: Int = 1, path: String, with fault: FakeKubeFault) {
        state.withLockedValue { $0.faults[path, default: []].append(contentsOf: Array(repeating: fault, count: count)) }
    }

    /// The next `count` LIST requests carrying a `continue` token get 410 Expired, as after an
    /// etcd compaction in the middle of a paginated list.
    public func expireNextContinueTokens(_ count: Int = 1) {
        state.withLockedValue { $0.expiringContinueTokens += count }
    }

    /// Forgets the change history: a WATCH from any version seen so far gets HTTP 200, an ERROR
    /// event (410 Expired), and the end; outstanding continue tokens expire.
    public func compactHistory() {
        state.withLockedValue { $0.store.compact() }
    }

    /// From now on, requests to exactly `path` (no query) are answered as they arrive (a GET
    /// reads the object as it is then) but the answers are sent only by
    /// ``releaseHeldAnswers()``: a slow GET, ordered after whatever the test does meanwhile.
    public func holdAnswers(path: String) {
        state.withLockedValue { _ = $0.heldPaths.insert(path) }
    }

    /// How many answers are held.
    public var heldAnswerCount: Int {
        state.withLockedValue { $0.heldAnswers.count }
    }

    /// Sends every held answer and stops holding.
    public func releaseHeldAnswers() {
        let held = state.withLockedValue { state in
            state.heldPaths.removeAll()
            defer { state.heldAnswers.removeAll() }
            return state.heldAnswers
        }
        for release in held { release.succeed() }
    }

    // MARK: Open watches

    /// How many WATCH responses are open.
    public var openWatchCount: Int {
        state.withLockedValue { $0.watchers.count }
    }

    /// Writes `line` (not JSON by default) into every open watch.
    public func sendMalformedLineToWatches(_ line: String = #"{"type":"ADDED","object":{"kind":"#) {
        state.withLockedValue { state in
            for watcher in state.watchers.values { watcher.send(Array(line.utf8)) }
        }
    }

    /// Sends a BOOKMARK at the current revision into every open watch that allows them.
    public func sendBookmarksNow() {
        state.withLockedValue { state in
            for watcher in state.watchers.values {
                guard let filter = watcher.filter, filter.allowBookmarks else { continue }
                watcher.send(state.bookmarkLine(filter.collection))
            }
        }
    }

    /// Ends every open watch abruptly, mid-response. Over HTTP/1.1 it closes the watch's
    /// connection (no terminating chunk); over HTTP/2 it resets the watch's stream
    /// (RST_STREAM, CANCEL) and leaves the connection, and any other stream on it, running.
    public func dropWatches() {
        state.withLockedValue { state in
            for watcher in state.watchers.values { watcher.drop() }
            state.watchers.removeAll()
        }
    }

    /// Closes the TCP connection of every open watch, as a broken network does; the same as
    /// ``dropWatches()`` over HTTP/1.1, while over HTTP/2 it also ends every other stream on
    /// those connections.
    public func dropWatchConnections() {
        state.withLockedValue { state in
            for watcher in state.watchers.values { watcher.dropConnection() }
            state.watchers.removeAll()
        }
    }

    /// Ends every open watch normally, as when `timeoutSeconds` runs out.
    public func endWatches() {
        state.withLockedValue { state in
            for watcher in Array(state.watchers.values) { state.endWatch(watcher) }
        }
    }

    // MARK: Waiting

    /// Polls `condition` every 10 ms until it holds; throws after `timeout`.
    public func waitUntil(
        timeout: Duration = .seconds(10), _ what: String = "condition",
        _ condition: @Sendable (FakeKubeAPIServer) -> Bool
    ) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while !condition(self) {
            guard clock.now < deadline else { throw FakeKubeTimeout(what: what) }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}

/// ``FakeKubeAPIServer/waitUntil(timeout:_:_:)`` gave up.
public struct FakeKubeTimeout: Error, CustomStringConvertible {
    public var what: String
    public var description: String { "timed out waiting for \(what)" }
}
