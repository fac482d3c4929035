import Foundation
import Glibc
import NIOConcurrencyHelpers

/// A real program as a test's peer, its output read as it comes: `curl` as a client
/// (``CurlProcess``), or a Python client or upstream (`PythonPeer`).
public final class ChildProcess {
    public struct Result: Sendable {
        public let exitCode: Int32
        public let stdout: String
        public let stderr: String
    }

    private let process: Process
    private let output = NIOLockedValueBox((stdout: Data(), stderr: Data()))
    private let exited = NIOLockedValueBox<Int32?>(nil)

    /// Starts the program at `executable` with `arguments`.
    public init(executable: String, arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        let output = self.output
        stdout.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            output.withLockedValue { $0.stdout.append(data) }
        }
        stderr.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            output.withLockedValue { $0.stderr.append(data) }
        }
        let exited = self.exited
        process.terminationHandler = { process in
            exited.withLockedValue { $0 = process.terminationStatus }
        }
        self.process = process
        try process.run()
    }

    /// Runs the program at `executable` with `arguments` to its end.
    public static func run(executable: String, arguments: [String], timeout: Duration = .seconds(20)) async throws -> Result {
        try await ChildProcess(executable: executable, arguments: arguments).finish(timeout: timeout)
    }

    /// What the program wrote to standard output so far.
    public var stdout: String { String(decoding: output.withLockedValue { $0.stdout }, as: UTF8.self) }
    public var stderr: String { String(decoding: output.withLockedValue { $0.stderr }, as: UTF8.self) }

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
        while exited.withLockedValue({ $0 }) == nil {
            if ContinuousClock.now >= deadline {
                terminate()
                throw CurlError.timedOut(stdout: stdout, stderr: stderr)
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        // The pipes' last bytes may land just after the exit.
        try await Task.sleep(for: .milliseconds(50))
        return Result(exitCode: exited.withLockedValue { $0 } ?? -1, stdout: stdout, stderr: stderr)
    }

    /// Whether the program is still running.
    public var isRunning: Bool { process.isRunning }

    /// Stops the program (a stream that would run on, a server) with `SIGKILL`: a child of the
    /// test runner may inherit a signal mask that blocks `SIGTERM` (a Python server then never
    /// stops).
    public func terminate() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
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
