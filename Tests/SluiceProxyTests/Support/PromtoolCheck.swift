import Foundation
import SluiceTestSupport
import Testing

/// `promtool check metrics` (Debian's `prometheus` package, installed by
/// `Scripts/ensure-system-packages.sh`) on a scrape: the linter Prometheus users run.
enum PromtoolCheck {
    static let path: String? = ["/usr/bin/promtool", "/usr/local/bin/promtool"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// Expects promtool to find nothing in `text`; records a clear skip note when promtool is not
    /// installed (the test script installs it; a developer's machine may not have it).
    static func expectClean(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        guard let path else {
            print("note: promtool not installed (apt-get install prometheus): `promtool check metrics` skipped")
            return
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-scrape-\(UUID().uuidString).txt")
        try text.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try await ChildProcess.run(executable: "/bin/sh", arguments: ["-c", "\"$0\" check metrics < \"$1\"", path, file.path])
        #expect(result.exitCode == 0 && result.stdout.isEmpty && result.stderr.isEmpty,
                "promtool check metrics: \(result.stdout)\(result.stderr)", sourceLocation: sourceLocation)
    }
}
