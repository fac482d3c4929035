#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Tells a manifest watcher that something changed in the directories its last scan depended
/// on, through inotify (Linux), so that an idle watcher sleeps instead of polling.
///
/// It watches directories only: a change to a file shows as an event of its directory
/// (`IN_MODIFY`, `IN_CLOSE_WRITE`, `IN_MOVED_TO`, ...), and a ConfigMap volume's `..data` swap as a
/// rename in the mounted directory. Events are not interpreted; any event means "scan again".
///
/// Not thread-safe: the watcher's thread owns it. Elsewhere than Linux, `init` fails and the
/// watcher polls.
final class DirectoryChangeNotifier {
    let descriptor: Int32
    private var watches: [String: Int32] = [:]

    init?() {
        #if os(Linux)
        descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard descriptor >= 0 else { return nil }
        #else
        return nil
        #endif
    }

    deinit {
        close(descriptor)
    }

    /// Watches exactly `directories` (paths as the scan walked them) from now on. Returns false
    /// when one of them could not be watched (gone, or the inotify watch limit reached): the
    /// watcher must then poll, since a change there would go unseen.
    func watch(_ directories: Set<String>) -> Bool {
        #if os(Linux)
        var complete = true
        var next: [String: Int32] = [:]
        let mask = UInt32(
            IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO
                | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF)
        // Adding is idempotent for a directory already watched (same descriptor back), and
        // gives a new descriptor when the path now names another directory.
        for directory in directories {
            let watch = inotify_add_watch(descriptor, directory, mask)
            if watch >= 0 {
                next[directory] = watch
            } else {
                complete = false
            }
        }
        let kept = Set(next.values)
        for (_, watch) in watches where !kept.contains(watch) {
            inotify_rm_watch(descriptor, watch)
        }
        watches = next
        return complete
        #else
        return false
        #endif
    }

    /// Reads and discards every pending event.
    func drain() {
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 { continue }
            if count < 0, errno == EINTR { continue }
            return
        }
    }
}

/// Stops a manifest watcher's thread from any thread: sets a flag, and wakes the thread out of
/// its wait through a pipe. Both pipe ends are immutable after `init` and closed when the last
/// holder lets go, so a late `stop()` never writes to a reused descriptor. Without a pipe (no
/// descriptors left), the thread still sees the flag when its wait times out.
final class WatcherWakeup: Sendable {
    let readEnd: Int32
    let writeEnd: Int32
    private let stopped = Atomic<Bool>(false)

    init() {
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) == 0 {
            for end in ends {
                _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
                _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            }
        } else {
            ends = [-1, -1]
        }
        readEnd = ends[0]
        writeEnd = ends[1]
    }

    deinit {
        if readEnd >= 0 { close(readEnd) }
        if writeEnd >= 0 { close(writeEnd) }
    }

    var isStopped: Bool { stopped.load(ordering: .acquiring) }

    func stop() {
        stopped.store(true, ordering: .releasing)
        guard writeEnd >= 0 else { return }
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }
}

/// Why a watcher's wait ended.
enum WatcherWait: Equatable {
    /// The wakeup was signalled: stop watching.
    case stopped
    /// The notifier has events: something in a watched directory changed.
    case changed
    case timedOut

    /// Blocks until `wakeup` is stopped, `notifier` has events (when given), or `timeout`.
    static func wait(wakeup: WatcherWakeup, notifier: DirectoryChangeNotifier?, timeout: Duration) -> WatcherWait {
        var descriptors = [pollfd(fd: wakeup.readEnd, events: Int16(POLLIN), revents: 0)]
        if let notifier {
            descriptors.append(pollfd(fd: notifier.descriptor, events: Int16(POLLIN), revents: 0))
        }
        let (seconds, attoseconds) = timeout.components
        let milliseconds = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        while true {
            let ready = poll(&descriptors, nfds_t(descriptors.count), max(0, milliseconds))
            if ready < 0, errno == EINTR { continue }
            if wakeup.isStopped { return .stopped }
            if ready < 0 {
                // Not expected (poll's arguments are valid); never spin on it.
                usleep(UInt32(clamping: Int(milliseconds) * 1000))
                return wakeup.isStopped ? .stopped : .timedOut
            }
            return ready > 0 ? .changed : .timedOut
        }
    }
}
