import Foundation
@testable import SluiceManifests
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

    /// An in-place save (truncate, then write later) must never publish the file as empty: every
    /// load the stream yields holds the file's objects, though the watcher saw it empty many times.
    @Test func neverYieldsATruncatedFileThatIsRewritten() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("a.yaml", Manifests.service("a"))
        try dir.write("b.yaml", Manifests.service("b1") + "---\n" + Manifests.service("b2"))
        let emptyScans = ScanCounter()
        let watcher = ManifestDirectoryWatcher(
            directory: dir.path, interval: .milliseconds(10), emptyFileHold: .seconds(30),
            scanObserver: { scan in if scan.emptyFiles.contains("b.yaml") { emptyScans.increment() } })
        let bPath = dir.path + "/b.yaml"

        let loads = try await withTimeout {
            var loads: [[String]] = []
            for await load in watcher.changes() {
                loads.append(load.snapshot.services.compactMap(\.metadata.name))
                if loads.count == 1 {
                    let file = try #require(FileHandle(forWritingAtPath: bPath))
                    try file.truncate(atOffset: 0)
                    try await emptyScans.wait(atLeast: 5)
                    try file.write(contentsOf: Data((Manifests.service("b1") + "---\n").utf8))
                    try file.write(contentsOf: Data(Manifests.service("b3").utf8))
                    try file.close()
                } else if loads.last?.contains("b3") == true {
                    return loads
                }
            }
            return loads
        }
        #expect(loads.first == ["a", "b1", "b2"])
        #expect(loads.last == ["a", "b1", "b3"])
        #expect(loads.allSatisfy { $0.contains("b1") }, "a load without b.yaml's objects was yielded: \(loads)")
    }
}

/// Counts scans from the watcher's task; tests wait until enough have happened.
final class ScanCounter: @unchecked Sendable {
    // Safe: `count` is only read or written while holding `lock`.
    private let lock = NSLock()
    private var count = 0

    func increment() { lock.withLock { count += 1 } }

    var value: Int { lock.withLock { count } }

    func wait(atLeast target: Int) async throws {
        while lock.withLock({ count }) < target {
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
