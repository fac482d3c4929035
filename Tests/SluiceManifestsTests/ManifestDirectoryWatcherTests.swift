import Foundation
import SluiceManifests
import Testing

struct TimedOut: Error {}

/// Runs `body` against `timeout`; whichever finishes first wins. Tests wait on conditions, never
/// on fixed sleeps: the timeout is only a generous upper bound for a hung test.
func withTimeout<T: Sendable>(_ timeout: Duration = .seconds(20), _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: timeout)
            throw TimedOut()
        }
        let first = try await group.next()!
        group.cancelAll()
        return first
    }
}

@Suite("Manifest directory watcher")
struct ManifestDirectoryWatcherTests {
    @Test func yieldsTheInitialLoadThenANewLoadAfterAnEdit() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("svc.yaml", Manifests.service("first"))
        let watcher = ManifestDirectoryWatcher(directory: dir.path, interval: .milliseconds(20))

        let names = try await withTimeout {
            var seen: [[String]] = []
            for await load in watcher.changes() {
                let names = load.snapshot.services.compactMap(\.metadata.name)
                seen.append(names)
                if seen.count == 1 {
                    try dir.write("svc.yaml", Manifests.service("second"))
                } else if names == ["second"] {
                    return seen
                }
            }
            return seen
        }
        #expect(names.first == ["first"])
        #expect(names.last == ["second"])
    }

    @Test func yieldsWhenAFileIsAddedOrBroken() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("a.yaml", Manifests.service("a"))
        let watcher = ManifestDirectoryWatcher(directory: dir.path, interval: .milliseconds(20))

        let errors = try await withTimeout {
            var count = 0
            for await load in watcher.changes() {
                count += 1
                if count == 1 {
                    try dir.write("sub/b.yaml", "kind: Service\nmetadata: {name: [x\n")
                } else if !load.errors.isEmpty {
                    return load.errors
                }
            }
            return []
        }
        #expect(errors.map(\.file) == ["sub/b.yaml"])
    }

    @Test func consumerCancellationEndsTheStream() async throws {
        let dir = try TemporaryDirectory()
        let watcher = ManifestDirectoryWatcher(directory: dir.path, interval: .milliseconds(20))
        let stream = watcher.changes()
        let consumer = Task {
            var loads = 0
            for await _ in stream { loads += 1 }
            return loads
        }
        consumer.cancel()
        let loads = try await withTimeout { await consumer.value }
        #expect(loads <= 1)
    }
}
