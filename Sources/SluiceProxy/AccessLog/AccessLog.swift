#if canImport(Glibc)
import Glibc
#endif
import NIOConcurrencyHelpers
import NIOCore

/// Where access log lines go (standard output with `--access-log`, or any sink a test gives),
/// and how often each event loop hands them over.
///
/// Each loop buffers its own lines (`AccessLogWriter`, no lock per request) and writes them here
/// in batches of whole lines: when it holds ``flushThreshold`` bytes, and at the latest
/// ``flushInterval`` after its first unflushed line. A lock serialises the batches and is held
/// for a batch's whole write, short writes included, so lines from different loops never
/// interleave, whatever a batch's size and whatever standard output is (on a pipe only a write
/// of up to `PIPE_BUF` bytes is atomic by itself). It is taken once per batch, not per request.
public final class AccessLog: Sendable {
    /// A loop writes its lines once it holds this many bytes (nginx's `access_log ... buffer=`).
    public let flushThreshold: Int
    /// The longest a line waits in its loop's buffer (nginx's `flush=`, shorter, so that
    /// `kubectl logs -f` stays live).
    public let flushInterval: Duration
    private let writeBatch: @Sendable (ByteBuffer) -> Void
    private let lock = NIOLock()

    public static let defaultFlushThreshold = 32 * 1024
    public static let defaultFlushInterval = Duration.milliseconds(100)

    /// - Parameter writeBatch: takes one batch, whole lines each ending in a newline, as one
    ///   write (never called by two loops at once).
    public init(
        flushThreshold: Int = defaultFlushThreshold, flushInterval: Duration = defaultFlushInterval,
        writeBatch: @escaping @Sendable (ByteBuffer) -> Void
    ) {
        self.flushThreshold = flushThreshold
        self.flushInterval = flushInterval
        self.writeBatch = writeBatch
    }

    /// A sink given each line of a batch in turn, newline included.
    public convenience init(
        flushThreshold: Int = defaultFlushThreshold, flushInterval: Duration = defaultFlushInterval,
        sink: @escaping @Sendable (String) -> Void
    ) {
        self.init(flushThreshold: flushThreshold, flushInterval: flushInterval) { batch in
            // A line holds no raw newline: `AccessLogEntry.jsonLine()` escapes them.
            for line in batch.readableBytesView.split(separator: UInt8(ascii: "\n")) {
                sink(String(decoding: line, as: UTF8.self) + "\n")
            }
        }
    }

    /// Standard output, with the default threshold and interval.
    public static let standardOutput = AccessLog.fileDescriptor(1)

    /// Writes to file descriptor `descriptor` (1: standard output), one blocking `write(2)` per
    /// batch, retrying short writes. Lines are kept whole by this log's lock: make one log per
    /// descriptor.
    public static func fileDescriptor(
        _ descriptor: Int32, flushThreshold: Int = defaultFlushThreshold, flushInterval: Duration = defaultFlushInterval
    ) -> AccessLog {
        AccessLog(flushThreshold: flushThreshold, flushInterval: flushInterval) { batch in
            batch.withUnsafeReadableBytes { bytes in
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

    /// Writes one loop's batch of whole lines.
    func write(batch: ByteBuffer) {
        lock.withLock { writeBatch(batch) }
    }
}
