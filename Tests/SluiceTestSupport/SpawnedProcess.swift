import Foundation
import Glibc
import NIOConcurrencyHelpers

/// A program started with `posix_spawn`, reaped by a thread of its own, its standard output and
/// error captured or written to a file.
///
/// Not Foundation's `Process`: on Linux, swift-corelibs-foundation (as shipped with Swift 6.3)
/// finds the highest open descriptor by reading `/proc/self/fd` and copying each entry's
/// `d_name` as a 256-byte value. glibc's records are only `d_reclen` long, so the copy of the
/// last entry in its buffer can read past the end of the allocation; with the ~2,000 sockets a
/// full test run holds open, that crashed the whole test process with SIGSEGV in CI. Here the
/// child closes every inherited descriptor above 2 itself (`posix_spawn_file_actions_addclosefrom_np`).
public final class SpawnedProcess: Sendable {
    /// Where the child's standard output and error go.
    public enum Output: Sendable {
        /// Into pipes read as the child writes (``stdout``, ``stderr``).
        case captured
        /// Both appended to the file at this path.
        case file(String)
    }

    public let pid: pid_t
    private let state = NIOLockedValueBox(State())

    private struct State {
        var stdout: [UInt8] = []
        var stderr: [UInt8] = []
        var outputClosed = false
        /// The exit code, or 128 + the signal that ended the child (the shell's convention).
        var exitStatus: Int32?
    }

    public init(executable: String, arguments: [String], output: Output = .captured) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }

        // A child of the test runner would otherwise inherit a mask that blocks SIGTERM (a Python
        // server then never stops) and whatever dispositions the runner set.
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        var readEnds: [Int32] = []
        var writeEnds: [Int32] = []
        switch output {
        case .captured:
            for target: Int32 in [1, 2] {
                var ends: [Int32] = [0, 0]
                // Close-on-exec (Glibc does not import `pipe2`): other children started meanwhile
                // must not hold the write end open.
                guard pipe(&ends) == 0 else {
                    (readEnds + writeEnds).forEach { _ = close($0) }
                    throw SpawnError.pipe(errno)
                }
                for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
                readEnds.append(ends[0])
                writeEnds.append(ends[1])
                posix_spawn_file_actions_adddup2(&actions, ends[1], target)
            }
        case .file(let path):
            posix_spawn_file_actions_addopen(&actions, 1, path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        if let closeFrom = Self.addCloseFrom { _ = closeFrom(&actions, 3) }

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        writeEnds.forEach { _ = close($0) }
        guard result == 0 else {
            readEnds.forEach { _ = close($0) }
            throw SpawnError.spawn(executable, result)
        }
        self.pid = pid

        if readEnds.isEmpty {
            state.withLockedValue { $0.outputClosed = true }
        } else {
            let readers = readEnds
            Thread { [self] in readOutput(readers) }.start()
        }
        Thread { [self] in reap() }.start()
    }

    /// Whether the child has not exited yet.
    public var isRunning: Bool { state.withLockedValue { $0.exitStatus == nil } }

    /// The exit code, or 128 + the signal that ended the child; nil while it runs.
    public var exitStatus: Int32? { state.withLockedValue { $0.exitStatus } }

    /// Whether both output pipes reached their end (always, for ``Output/file(_:)``).
    public var outputClosed: Bool { state.withLockedValue { $0.outputClosed } }

    public var stdout: String { String(decoding: state.withLockedValue { $0.stdout }, as: UTF8.self) }
    public var stderr: String { String(decoding: state.withLockedValue { $0.stderr }, as: UTF8.self) }

    /// Sends `signal` while the child runs (never to a reaped pid another process may reuse).
    public func send(_ signal: Int32) {
        state.withLockedValue { state in
            if state.exitStatus == nil { _ = kill(pid, signal) }
        }
    }

    private func reap() {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1, errno == EINTR {}
        let signal = status & 0x7f
        let exitStatus = signal == 0 ? (status >> 8) & 0xff : 128 + signal
        state.withLockedValue { $0.exitStatus = exitStatus }
    }

    /// Reads both pipes until each reaches its end (which a grandchild holding them may delay).
    private func readOutput(_ descriptors: [Int32]) {
        var open = descriptors.enumerated().map { pollfd(fd: $0.element, events: Int16(POLLIN), revents: 0) }
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while open.contains(where: { $0.fd >= 0 }) {
            guard poll(&open, nfds_t(open.count), -1) >= 0 || errno == EINTR else { break }
            for index in open.indices where open[index].fd >= 0 && open[index].revents != 0 {
                let count = chunk.withUnsafeMutableBytes { read(open[index].fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    let bytes = chunk[0..<count]
                    state.withLockedValue { state in
                        if index == 0 { state.stdout.append(contentsOf: bytes) } else { state.stderr.append(contentsOf: bytes) }
                    }
                } else if count == 0 || errno != EINTR {
                    _ = close(open[index].fd)
                    open[index].fd = -1
                }
            }
        }
        state.withLockedValue { $0.outputClosed = true }
    }

    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// glibc ≥ 2.34's `posix_spawn_file_actions_addclosefrom_np`, which Swift's Glibc module does
    /// not import.
    private static let addCloseFrom: AddCloseFrom? = {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else {
            return nil
        }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }()
}

public enum SpawnError: Error, CustomStringConvertible {
    case pipe(Int32)
    case spawn(String, Int32)

    public var description: String {
        switch self {
        case .pipe(let code): "pipe2 failed: \(String(cString: strerror(code)))"
        case .spawn(let executable, let code): "posix_spawn \(executable) failed: \(String(cString: strerror(code)))"
        }
    }
}
