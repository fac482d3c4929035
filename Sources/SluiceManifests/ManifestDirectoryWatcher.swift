import Foundation

/// Watches a manifest directory and yields a new `ManifestLoad` when its files changed and have
/// settled (see ``ManifestSettling``): unchanged for one whole `interval`, or for `emptyFileHold`
/// when a file that held objects is now empty — a half-saved file never takes routes away. The
/// first load is yielded at once.
///
/// Each scan stats every file (only changed files are read again, see
/// ``ManifestDirectoryReader``). When does it scan?
/// - While a change is settling: every `interval`.
/// - While idle, on Linux: as soon as inotify reports a change in a directory the last scan
///   depended on (``DirectoryChangeNotifier``), and every `idleRescanInterval` anyway, for what
///   inotify cannot see (a network filesystem changed from another host).
/// - While idle without inotify, or when a directory could not be watched (the watch limit): every
///   `interval`, as a poll.
///
/// Each call to `changes()` starts its own thread (scans are blocking file reads), which ends
/// when the consumer stops iterating or its task is cancelled. The stream keeps only the newest
/// load when the consumer is slower than the directory changes (older loads are superseded).
public final class ManifestDirectoryWatcher: Sendable {
    public let directory: String
    public let interval: Duration
    public let idleRescanInterval: Duration
    /// How long a file that held objects must stay empty (0 bytes) before its emptiness is
    /// loaded; until then it counts as being rewritten.
    public let emptyFileHold: Duration
    /// Whether to use inotify when it is there; tests turn it off to exercise polling.
    let notifies: Bool
    /// Called with every scan, before deciding; for tests.
    let scanObserver: (@Sendable (ManifestDirectory.Scan) -> Void)?

    public convenience init(
        directory: String, interval: Duration = .milliseconds(250), idleRescanInterval: Duration = .seconds(5),
        emptyFileHold: Duration = .seconds(2)
    ) {
        self.init(
            directory: directory, interval: interval, idleRescanInterval: idleRescanInterval,
            emptyFileHold: emptyFileHold, notifies: true, scanObserver: nil)
    }

    init(
        directory: String, interval: Duration, idleRescanInterval: Duration = .seconds(5), emptyFileHold: Duration,
        notifies: Bool = true, scanObserver: (@Sendable (ManifestDirectory.Scan) -> Void)?
    ) {
        self.directory = directory
        self.interval = interval
        self.idleRescanInterval = max(interval, idleRescanInterval)
        self.emptyFileHold = emptyFileHold
        self.notifies = notifies
        self.scanObserver = scanObserver
    }

    public func changes() -> AsyncStream<ManifestLoad> {
        let (stream, continuation) = AsyncStream.makeStream(of: ManifestLoad.self, bufferingPolicy: .bufferingNewest(1))
        let wakeup = WatcherWakeup()
        continuation.onTermination = { _ in wakeup.stop() }
        let thread = Thread { [self] in
            watch(into: continuation, until: wakeup)
            continuation.finish()
        }
        thread.name = "sluice-manifest-watcher"
        thread.start()
        return stream
    }

    private func watch(into continuation: AsyncStream<ManifestLoad>.Continuation, until wakeup: WatcherWakeup) {
        var reader = ManifestDirectoryReader(directory: directory)
        var settling = ManifestSettling(emptyFilePolls: Int((emptyFileHold / interval).rounded(.up)))
        let notifier = notifies ? DirectoryChangeNotifier() : nil
        while !wakeup.isStopped {
            let scan = reader.scan()
            scanObserver?(scan)
            if settling.scanned(scan) == .load {
                let (load, filesWithObjects) = ManifestLoader.read(scan, directory: directory)
                settling.loaded(scan, filesWithObjects: filesWithObjects)
                continuation.yield(load)
            }
            let watched = notifier?.watch(reader.dependedOnDirectories) == true
            let outcome: WatcherWait
            if settling.isSettling || !watched {
                // A settling scan must come a whole interval after the last one, whatever
                // happened meanwhile: two scans close together could both see a half-saved file.
                outcome = WatcherWait.wait(wakeup: wakeup, notifier: nil, timeout: interval)
                notifier?.drain()
            } else {
                outcome = WatcherWait.wait(wakeup: wakeup, notifier: notifier, timeout: idleRescanInterval)
                if outcome == .changed { notifier?.drain() }
            }
            if outcome == .stopped { return }
        }
    }
}
