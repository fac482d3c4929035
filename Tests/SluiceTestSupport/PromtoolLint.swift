import Foundation

/// `promtool check metrics` (Debian's `prometheus` package, installed by
/// `Scripts/ensure-system-packages.sh`) on a scrape: the linter Prometheus users run.
public enum PromtoolLint {
    public static let path: String? = ["/usr/bin/promtool", "/usr/local/bin/promtool"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// What promtool says about `text`: "" when it finds nothing; nil, after printing a note, when
    /// promtool is not installed (the test script installs it; a developer's machine may not have
    /// it).
    public static func findings(in text: String) async throws -> String? {
        guard let path else {
            print("note: promtool not installed (apt-get install prometheus): `promtool check metrics` skipped")
            return nil
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-scrape-\(UUID().uuidString).txt")
        try text.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try await ChildProcess.run(
            executable: "/bin/sh", arguments: ["-c", "\"$0\" check metrics < \"$1\"", path, file.path])
        return result.exitCode == 0 ? result.stdout + result.stderr : "exit \(result.exitCode): \(result.stdout)\(result.stderr)"
    }
}
