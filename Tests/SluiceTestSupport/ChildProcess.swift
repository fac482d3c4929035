import Glibc

/// A real program as a test's peer, its output read as it comes: `curl` as a client
/// (``CurlProcess``), or a Python client or upstream (`PythonPeer`).
public final class ChildProcess: Sendable {
    public struct Result: Sendable {
        public let exitCode: Int32
        public let stdout: String
        public let stderr: String
    }

    private let process: SpawnedProcess

    /// Starts the program at `executable` with `arguments`.
    public init(executable: String, arguments: [String]) throws {
        process = try SpawnedProcess(executable: executable, arguments: arguments)
    }

    /// Runs the program at `executable` with `arguments` to its end.
    public static func run(executable: String, arguments: [String], timeout: Duration = .seconds(20)) async throws -> Result {
        try await ChildProcess(executable: executable, arguments: arguments).finish(timeout: timeout)
    }

    /// What the program wrote to standard output so far.
    public var stdout: String { process.stdout }
    public var stderr: String { process.stderr }

    /// Waits until standard output contains `text`.
    public func waitForOutput(containing text: String, timeout: Duration = .seconds(10)) async throws {
        let deadline = ContinuousClock.now + timeout
        while !stdout.contains(text) {
            guard ContinuousClock.now < deadline else { throw CurlError.outputMissing(text, stdout: stdout, stderr: stderr) }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Waits for the program to exit (terminating it after `timeout`), then for the rest of its output.
    public func finish(timeout: Duration = .seconds(20)) async throws -> Result {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now >= deadline {
                terminate()
                throw CurlError.timedOut(stdout: stdout, stderr: stderr)
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        // The pipes' last bytes may be read just after the exit (or never end, when a grandchild
        // holds them).
        let outputDeadline = ContinuousClock.now + .seconds(2)
        while !process.outputClosed, ContinuousClock.now < outputDeadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        return Result(exitCode: process.exitStatus ?? -1, stdout: stdout, stderr: stderr)
    }

    /// Whether the program is still running.
    public var isRunning: Bool { process.isRunning }

    /// Stops the program (a stream that would run on, a server) at once, with `SIGKILL`.
    public func terminate() {
        process.send(SIGKILL)
    }
}

/// The real `curl` as a test's client: what a user types against the proxy (`curl -N`,
/// `--cacert`, `--resolve`, `--http2`).
public typealias CurlProcess = ChildProcess

extension ChildProcess {
    /// Starts `curl` with `arguments` (`--silent --show-error` come first).
    public convenience init(_ arguments: [String]) throws {
        try self.init(executable: "/usr/bin/curl", arguments: ["--silent", "--show-error"] + arguments)
    }

    /// Runs `curl` with `arguments` to its end.
    public static func run(_ arguments: [String], timeout: Duration = .seconds(20)) async throws -> Result {
        try await ChildProcess(arguments).finish(timeout: timeout)
    }
}

public enum CurlError: Error, CustomStringConvertible {
    case outputMissing(String, stdout: String, stderr: String)
    case timedOut(stdout: String, stderr: String)

    public var description: String {
        switch self {
        case .outputMissing(let text, let stdout, let stderr):
            "the output never contained \(text.debugDescription); stdout: \(stdout.debugDescription), stderr: \(stderr.debugDescription)"
        case .timedOut(let stdout, let stderr):
            "the program did not finish; stdout: \(stdout.debugDescription), stderr: \(stderr.debugDescription)"
        }
    }
}
