#if canImport(Glibc)
import Glibc
#endif
import NIOConcurrencyHelpers

/// Where access log lines go: standard output (`--access-log`), or any sink a test gives.
///
/// Lines are written whole and in order from every event loop: a lock serialises the writes,
/// each one blocking write of one line, as nginx writes its access log unbuffered by default.
public final class AccessLog: Sendable {
    private let sink: @Sendable (String) -> Void
    private let lock = NIOLock()

    public init(sink: @escaping @Sendable (String) -> Void) {
        self.sink = sink
    }

    /// Standard output, shared by every user in the process (one lock for the one stream).
    public static let standardOutput = AccessLog.fileDescriptor(1)

    /// Writes to file descriptor `descriptor` (1: standard output), retrying short writes.
    public static func fileDescriptor(_ descriptor: Int32) -> AccessLog {
        AccessLog { line in
            var line = line
            line.withUTF8 { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        return
                    }
                    offset += written
                }
            }
        }
    }

    public func write(_ entry: AccessLogEntry) {
        let line = entry.jsonLine()
        lock.withLock { sink(line) }
    }
}
