import Foundation

/// The Python programs of `Scripts/test_python` (a gRPC client and upstream on grpcio, an h2c
/// upstream on python-h2), run with the tests' virtualenv, which `Scripts/ensure-test-venv.sh`
/// makes (`Scripts/test.sh` runs it): its python is `$SLUICE_TEST_VENV/bin/python`, by default
/// `${XDG_CACHE_HOME:-$HOME/.cache}/sluice-test-venv/bin/python`.
public enum PythonPeer {
    public enum Failure: Error, CustomStringConvertible {
        case noVirtualenv(String)
        case noPort(stdout: String, stderr: String)

        public var description: String {
            switch self {
            case .noVirtualenv(let python):
                "no \(python): run Scripts/ensure-test-venv.sh (Scripts/test.sh does) to install the tests' Python packages"
            case .noPort(let stdout, let stderr):
                "the Python upstream printed no port; stdout: \(stdout.debugDescription), stderr: \(stderr.debugDescription)"
            }
        }
    }

    /// The virtualenv's python.
    public static var python: String {
        let environment = ProcessInfo.processInfo.environment
        let venv =
            environment["SLUICE_TEST_VENV"]
            ?? ((environment["XDG_CACHE_HOME"] ?? ((environment["HOME"] ?? "/tmp") + "/.cache")) + "/sluice-test-venv")
        return venv + "/bin/python"
    }

    /// The path of `Scripts/test_python/<name>`.
    public static func script(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Scripts/test_python/\(name)").path
    }

    /// Starts `script` with `arguments`.
    public static func start(_ script: String, _ arguments: [String]) throws -> ChildProcess {
        guard FileManager.default.isExecutableFile(atPath: python) else { throw Failure.noVirtualenv(python) }
        return try ChildProcess(executable: python, arguments: ["-u", Self.script(script)] + arguments)
    }

    /// Runs `script` with `arguments` to its end.
    public static func run(_ script: String, _ arguments: [String], timeout: Duration = .seconds(30)) async throws
        -> ChildProcess.Result
    {
        try await start(script, arguments).finish(timeout: timeout)
    }

    /// Runs the upstream `script` (which prints `PORT <n>` once it listens) for the length of
    /// `body`, given its port, and stops it before returning or rethrowing.
    public static func withUpstream<T>(
        _ script: String, _ arguments: [String] = [], isolation: isolated (any Actor)? = #isolation,
        _ body: (Int) async throws -> T
    ) async throws -> T {
        let process = try start(script, arguments)
        return try await withTeardown {
            do {
                try await process.waitForOutput(containing: "\n")
            } catch {
                throw Failure.noPort(stdout: process.stdout, stderr: process.stderr)
            }
            let line = process.stdout.split(separator: "\n").first { $0.hasPrefix("PORT ") }
            guard let port = line.flatMap({ Int($0.dropFirst(5)) }) else {
                throw Failure.noPort(stdout: process.stdout, stderr: process.stderr)
            }
            return try await body(port)
        } teardown: {
            process.terminate()
            _ = try? await process.finish(timeout: .seconds(5))
        }
    }
}
