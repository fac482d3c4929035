/// Watches a manifest directory by polling: every `interval` it scans the directory (a stat per
/// file; only changed files are read again, see ``ManifestDirectoryReader``) and yields a new
/// `ManifestLoad` when the files changed and have settled (see ``ManifestSettling``): unchanged
/// for one whole interval, or for `emptyFileHold` when a file that held objects is now empty —
/// a half-saved file never takes routes away. The first load is yielded at once.
///
/// Each call to `changes()` starts its own polling task, which ends when the consumer stops
/// iterating or its task is cancelled. The stream keeps only the newest load when the consumer
/// is slower than the directory changes (older loads are superseded anyway). Reads are small
/// synchronous file reads on the polling task.
public final class ManifestDirectoryWatcher: Sendable {
    public let directory: String
    public let interval: Duration
    /// How long a file that held objects must stay empty (0 bytes) before its emptiness is
    /// loaded; until then it counts as being rewritten.
    public let emptyFileHold: Duration
    /// Called with every scan, before deciding; for tests.
    let scanObserver: (@Sendable (ManifestDirectory.Scan) -> Void)?

    public convenience init(directory: String, interval: Duration = .milliseconds(250), emptyFileHold: Duration = .seconds(2)) {
        self.init(directory: directory, interval: interval, emptyFileHold: emptyFileHold, scanObserver: nil)
    }

    init(
        directory: String, interval: Duration, emptyFileHold: Duration,
        scanObserver: (@Sendable (ManifestDirectory.Scan) -> Void)?
    ) {
        self.directory = directory
        self.interval = interval
        self.emptyFileHold = emptyFileHold
        self.scanObserver = scanObserver
    }

    public func changes() -> AsyncStream<ManifestLoad> {
        let (stream, continuation) = AsyncStream.makeStream(of: ManifestLoad.self, bufferingPolicy: .bufferingNewest(1))
        let directory = self.directory
        let interval = self.interval
        let observer = scanObserver
        let emptyFilePolls = Int((emptyFileHold / interval).rounded(.up))
        let task = Task {
            var reader = ManifestDirectoryReader(directory: directory)
            var settling = ManifestSettling(emptyFilePolls: emptyFilePolls)
            while !Task.isCancelled {
                let scan = reader.scan()
                observer?(scan)
                if settling.scanned(scan) == .load {
                    let (load, filesWithObjects) = ManifestLoader.read(scan, directory: directory)
                    settling.loaded(scan, filesWithObjects: filesWithObjects)
                    continuation.yield(load)
                }
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    break
                }
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}
