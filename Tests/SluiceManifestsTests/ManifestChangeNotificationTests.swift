import Foundation
@testable import SluiceManifests
import Testing

/// The watcher while idle: it scans when inotify reports a change, not on a timer. Every watcher
/// here rescans idle directories only once an hour, so a change that inotify did not report
/// would never load and the test would time out.
@Suite("Manifest change notification")
struct ManifestChangeNotificationTests {
    /// A watcher of `path` polling every 20 ms while a change settles, rescanning an idle
    /// directory only hourly; `scans` counts its scans.
    private func makeWatcher(_ path: String, notifies: Bool = true, scans: ScanCounter? = nil) -> ManifestDirectoryWatcher {
        let observer: (@Sendable (ManifestDirectory.Scan) -> Void)? =
            if let scans { { _ in scans.increment() } } else { nil }
        return ManifestDirectoryWatcher(
            directory: path, interval: .milliseconds(20), idleRescanInterval: .seconds(3600), emptyFileHold: .seconds(2),
            notifies: notifies, scanObserver: observer)
    }

    /// Waits for the first load, runs `change`, and returns the names of the Services of the first
    /// load after it that satisfies `until`.
    private func loadAfter(
        _ watcher: ManifestDirectoryWatcher, change: @escaping @Sendable () async throws -> Void,
        until done: @escaping @Sendable ([String]) -> Bool
    ) async throws -> (first: [String], last: [String]) {
        try await withTimeout {
            var first: [String]?
            for await load in watcher.changes() {
                let names = load.snapshot.services.compactMap(\.metadata.name)
                if first == nil {
                    first = names
                    try await change()
                } else if done(names) {
                    return (first ?? [], names)
                }
            }
            throw TimedOut()
        }
    }

    @Test func anIdleWatcherLoadsAnEditWithoutPolling() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("svc.yaml", Manifests.service("first"))
        let scans = ScanCounter()
        let watcher = makeWatcher(dir.path, scans: scans)

        let loads = try await loadAfter(watcher, change: {
            // Idle for 25 polling intervals first: a polling watcher would scan about 25 times.
            try await Task.sleep(for: .milliseconds(500))
            #expect(scans.value <= 2, "an idle watcher scanned \(scans.value) times")
            try dir.write("svc.yaml", Manifests.service("second"))
        }, until: { $0 == ["second"] })
        #expect(loads.first == ["first"])
    }

    @Test func aFileWrittenIntoANewSubdirectoryLoads() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("a.yaml", Manifests.service("a"))
        let scans = ScanCounter()
        let watcher = makeWatcher(dir.path, scans: scans)

        let loads = try await loadAfter(watcher, change: {
            let before = scans.value
            try FileManager.default.createDirectory(atPath: dir.path + "/team", withIntermediateDirectories: false)
            // The new directory was scanned (and so watched) before the file is written into it.
            try await scans.wait(atLeast: before + 1)
            try dir.write("team/b.yaml", Manifests.service("b"))
        }, until: { $0 == ["a", "b"] })
        #expect(loads.first == ["a"])
    }

    /// kubelet updates a ConfigMap volume by writing a new timestamped directory, renaming a new
    /// `..data` link over the old one, and deleting the old directory.
    @Test func aConfigMapVolumeUpdateLoads() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("..2026_01_01_00_00_00.1/app.yaml", Manifests.service("v1"))
        try dir.link("..data", to: "..2026_01_01_00_00_00.1")
        try dir.link("app.yaml", to: "..data/app.yaml")
        let watcher = makeWatcher(dir.path)

        let loads = try await loadAfter(watcher, change: {
            try dir.write("..2026_01_01_00_05_00.2/app.yaml", Manifests.service("v2"))
            try dir.link("..data_tmp", to: "..2026_01_01_00_05_00.2")
            guard rename(dir.path + "/..data_tmp", dir.path + "/..data") == 0 else { throw CocoaError(.fileWriteUnknown) }
            try FileManager.default.removeItem(atPath: dir.path + "/..2026_01_01_00_00_00.1")
        }, until: { $0 == ["v2"] })
        #expect(loads.first == ["v1"])
    }

    /// A linked file's target lives outside the tree; an in-place write to it is seen through a
    /// watch on the target's own directory.
    @Test func anInPlaceEditOfALinkedFileElsewhereLoads() async throws {
        let dir = try TemporaryDirectory()
        let elsewhere = try TemporaryDirectory()
        try elsewhere.write("web.yaml", Manifests.service("web1"))
        try dir.link("web.yaml", to: elsewhere.path + "/web.yaml")
        let watcher = makeWatcher(dir.path)

        let loads = try await loadAfter(watcher, change: {
            let file = try #require(FileHandle(forWritingAtPath: elsewhere.path + "/web.yaml"))
            try file.truncate(atOffset: 0)
            try file.write(contentsOf: Data(Manifests.service("web2").utf8))
            try file.close()
        }, until: { $0 == ["web2"] })
        #expect(loads.first == ["web1"])
    }

    /// A directory that does not exist yet cannot be watched: the watcher polls until it appears.
    @Test func aDirectoryCreatedLaterIsPolledForAndLoads() async throws {
        let parent = try TemporaryDirectory()
        let path = parent.path + "/manifests"
        let watcher = makeWatcher(path)

        let loads = try await loadAfter(watcher, change: {
            try parent.write("manifests/svc.yaml", Manifests.service("late"))
        }, until: { $0 == ["late"] })
        #expect(loads.first == [])
    }

    @Test func withoutNotificationTheWatcherPolls() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("svc.yaml", Manifests.service("first"))
        let scans = ScanCounter()
        let watcher = makeWatcher(dir.path, notifies: false, scans: scans)

        let loads = try await loadAfter(watcher, change: {
            // Nothing changed, yet it keeps scanning: that is polling.
            try await scans.wait(atLeast: 10)
            try dir.write("svc.yaml", Manifests.service("second"))
        }, until: { $0 == ["second"] })
        #expect(loads.first == ["first"])
    }
}
