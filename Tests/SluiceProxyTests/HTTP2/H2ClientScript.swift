import Foundation
import SluiceTestSupport

/// `Scripts/test_python/h2_client.py` (python-h2) as a test's HTTP/2 client: a real HTTP/2
/// implementation other than swift-nio-http2, which can also misbehave on purpose (floods,
/// resets, a stream that grants no window). It prints one line per thing it sees; these read
/// them as they come.
struct H2ClientScript {
    let process: ChildProcess

    /// Starts the script against `port` on loopback (`tls`: over TLS with ALPN `h2`, else h2c
    /// with prior knowledge) in `mode` with `arguments`.
    init(port: Int, tls: Bool, _ mode: String, _ arguments: [String] = []) throws {
        process = try PythonPeer.start(
            "h2_client.py", (tls ? ["--tls"] : []) + ["127.0.0.1", String(port), mode] + arguments)
    }

    /// The lines printed so far, split into words.
    var lines: [[Substring]] {
        process.stdout.split(separator: "\n").map { $0.split(separator: " ") }
    }

    /// Lines whose first word is `kind`.
    func lines(_ kind: String) -> [[Substring]] {
        lines.filter { $0.first.map(String.init) == kind }
    }

    /// SSE events received so far, over all streams.
    var eventCount: Int { lines("event").count }

    /// Waits until `condition` holds for what was printed.
    func waitUntil(_ what: String, timeout: Duration = .seconds(15), _ condition: (H2ClientScript) -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition(self) {
            guard ContinuousClock.now < deadline else {
                throw H2ClientScriptError.timedOut(what, stdout: process.stdout, stderr: process.stderr)
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    func finish(timeout: Duration = .seconds(20)) async throws -> ChildProcess.Result {
        try await process.finish(timeout: timeout)
    }
}

enum H2ClientScriptError: Error, CustomStringConvertible {
    case timedOut(String, stdout: String, stderr: String)

    var description: String {
        switch self {
        case .timedOut(let what, let stdout, let stderr):
            "h2_client.py: \(what) never happened; stdout: \(stdout.suffix(2000).debugDescription), stderr: \(stderr.suffix(2000).debugDescription)"
        }
    }
}
