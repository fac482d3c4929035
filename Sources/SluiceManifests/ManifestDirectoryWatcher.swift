/// Watches a manifest directory by polling: every `interval` it reads the directory and, when
/// the fingerprint (file names, sizes, modification times, content hashes) changed, yields a
/// new `ManifestLoad`. The first load is yielded at once.
///
/// Each call to `changes()` starts its own polling task, which ends when the consumer stops
/// iterating or its task is cancelled. The stream keeps only the newest load when the consumer
/// is slower than the directory changes (older loads are superseded anyway). Reads are small
/// synchronous file reads on the polling task.
public final class ManifestDirectoryWatcher: Sendable {
    public let directory: String
    public let interval: Duration

    public init(directory: String, interval: Duration = .milliseconds(250)) {
        self.directory = directory
        self.interval = interval
    }

    public func changes() -> AsyncStream<ManifestLoad> {
        let (stream, continuation) = AsyncStream.makeStream(of: ManifestLoad.self, bufferingPolicy: .bufferingNewest(1))
        let directory = self.directory
        let interval = self.interval
        let task = Task {
            var previous: ManifestDirectory.Scan?
            while !Task.isCancelled {
                let scan = ManifestDirectory.scan(directory)
                if scan != previous {
                    previous = scan
                    continuation.yield(ManifestLoader.load(scan, directory: directory))
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
