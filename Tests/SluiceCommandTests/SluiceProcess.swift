import Foundation
import SluiceTestSupport

/// The built `sluice` executable run as a child process, the way a user or a kubelet runs it.
///
/// `swift build --build-tests` puts the executable beside the test bundle, so the tests run the
/// binary of the same build.
final class SluiceProcess: Sendable {
    let process: SpawnedProcess
    private let logFile: URL

    static var executableURL: URL {
        Bundle.main.bundleURL.appendingPathComponent("sluice")
    }

    /// - Parameter openFileLimit: the process's open-file limit (`ulimit -n`), when not inherited.
    init(arguments: [String], openFileLimit: Int? = nil) throws {
        // Port 0: the kernel picks free ports at bind time, and the process logs them. A port
        // chosen here and handed over could be taken by another parallel test before the child
        // binds it.
        let sluiceArguments = arguments + ["--bind-address", "127.0.0.1", "--http-port", "0", "--https-port", "0", "--admin-port", "0"]
        logFile = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-\(UUID().uuidString).log")
        if let openFileLimit {
            // The shell sets the limit and then becomes sluice (`exec`): same process, same pid.
            process = try SpawnedProcess(
                executable: "/bin/sh",
                arguments: ["-c", "ulimit -n \(openFileLimit) && exec \"$0\" \"$@\"", Self.executableURL.path] + sluiceArguments,
                output: .file(logFile.path))
        } else {
            process = try SpawnedProcess(executable: Self.executableURL.path, arguments: sluiceArguments, output: .file(logFile.path))
        }
    }

    /// What the process logged so far.
    var log: String {
        (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
    }

    func terminate() { process.send(SIGTERM) }

    func kill() { process.send(SIGKILL) }

    /// Waits for the process to exit and returns its status.
    func waitForExit(timeout: Duration = .seconds(30)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let status = process.exitStatus { return status }
            guard ContinuousClock.now < deadline else { throw SluiceProcessError.stillRunning }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// `GET path` on the admin port: the status code, or nil when nothing answers.
    func admin(_ path: String) async -> Int? {
        await adminResponse(path)?.status
    }

    /// The `GET path` response from the admin port, or nil when nothing answers.
    func adminResponse(_ path: String) async -> TestClientResponse? {
        guard let port = try? adminPort, let client = try? await TestClient.connect(port: port) else { return nil }
        defer { Task { await client.close() } }
        guard (try? await client.send("GET \(path) HTTP/1.1\r\nHost: admin\r\n\r\n")) != nil else { return nil }
        return try? await client.readResponse(timeout: .seconds(5))
    }

    /// The `sluice_routing_table_generation` gauge from `/metrics`.
    func tableGeneration() async -> Int? {
        guard let body = await adminResponse("/metrics")?.bodyText else { return nil }
        let line = body.split(separator: "\n").first { $0.hasPrefix("sluice_routing_table_generation ") }
        return line.flatMap { Int($0.split(separator: " ").last ?? "") }
    }

    /// Polls `/readyz` until it answers `status`.
    func waitForReadiness(_ status: Int, timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        while await admin("/readyz") != status {
            guard ContinuousClock.now < deadline, process.isRunning else {
                throw SluiceProcessError.notReady(status, log: log)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// The port of the proxy listener, once the process has logged it (readiness implies it has).
    var httpPort: Int {
        get throws { try loggedPort(of: "proxy") }
    }

    /// The port of the HTTPS listener, once the process has logged it.
    var httpsPort: Int {
        get throws { try loggedPort(of: "https") }
    }

    /// The port of the admin listener, once the process has logged it.
    var adminPort: Int {
        get throws { try loggedPort(of: "admin") }
    }

    /// The port in the `<name> listening` line: `... address=[IPv4]127.0.0.1/127.0.0.1:PORT ... <name> listening`.
    private func loggedPort(of name: String) throws -> Int {
        let line = log.split(separator: "\n").first { $0.hasSuffix("] \(name) listening") }
        let address = line?.split(separator: " ").first { $0.hasPrefix("address=") }
        guard let port = address?.split(separator: ":").last.flatMap({ Int($0) }) else {
            throw SluiceProcessError.notListening(name, log: log)
        }
        return port
    }
}

enum SluiceProcessError: Error {
    case stillRunning
    /// `/readyz` never answered the status; `log` is what the process printed.
    case notReady(Int, log: String)
    /// The process has not logged that the listener `name` is listening.
    case notListening(String, log: String)
}
