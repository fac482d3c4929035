import NIOCore

/// One event loop's access log buffer (held by its `ProxyLoopContext`, used only on that loop):
/// entries are serialized into it, and it goes to the ``AccessLog`` in one write of whole lines
/// when it passes ``AccessLog/flushThreshold`` bytes, or ``AccessLog/flushInterval`` after its
/// first unflushed line, whichever comes first (nginx's `access_log ... buffer= flush=`).
///
/// A request takes no lock and makes no system call: the sink's lock and `write(2)` come once
/// per batch. The interval keeps the log live for `kubectl logs -f` when traffic is light; the
/// one timer is armed only while the buffer holds lines.
final class AccessLogWriter {
    private let sink: AccessLog
    private let eventLoop: any EventLoop
    private let flushInterval: TimeAmount
    private var buffer = ByteBuffer()
    private var flushTask: Scheduled<Void>?
    /// Set by ``shutDown()``: every line is written as it comes.
    private var writesThrough = false

    init(sink: AccessLog, eventLoop: any EventLoop) {
        self.sink = sink
        self.eventLoop = eventLoop
        self.flushInterval = TimeAmount(sink.flushInterval)
    }

    func write(_ entry: AccessLogEntry) {
        buffer.writeString(entry.jsonLine())
        if writesThrough || buffer.readableBytes >= sink.flushThreshold {
            flush()
        } else if flushTask == nil {
            flushTask = eventLoop.assumeIsolated().scheduleTask(in: flushInterval) { [self] in
                flushTask = nil
                flush()
            }
        }
    }

    /// Writes the buffered lines now.
    func flush() {
        flushTask?.cancel()
        flushTask = nil
        guard buffer.readableBytes > 0 else { return }
        sink.write(batch: buffer)
        buffer.clear()
    }

    /// Writes the buffered lines, and every later one as it comes: for shutdown, so that a line
    /// logged after it (a connection closed late) is not left in a buffer when the process exits.
    func shutDown() {
        writesThrough = true
        flush()
    }
}

@available(*, unavailable)
extension AccessLogWriter: Sendable {}
