import Foundation
import Testing

@testable import SluiceIngress

/// The README's migration table is `NginxAnnotation.markdownTable()`, so the two cannot drift.
/// `SLUICE_UPDATE_README=1 swift test --filter MigrationTableTests` rewrites the README's section.
@Suite("README migration table")
struct MigrationTableTests {
    static let begin = "<!-- BEGIN nginx-annotations: generated, do not edit -->\n"
    static let end = "<!-- END nginx-annotations -->\n"

    @Test func theReadmeShowsTheTable() throws {
        let readme = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let start = try #require(text.range(of: Self.begin), "README.md has no \(Self.begin)")
        let stop = try #require(text.range(of: Self.end, range: start.upperBound..<text.endIndex))
        let expected = NginxAnnotation.markdownTable()
        if ProcessInfo.processInfo.environment["SLUICE_UPDATE_README"] == "1" {
            try (text[..<start.upperBound] + expected + text[stop.lowerBound...]).write(to: readme, atomically: true, encoding: .utf8)
            return
        }
        #expect(String(text[start.upperBound..<stop.lowerBound]) == expected,
                "README.md's migration table differs from NginxAnnotation.table; run SLUICE_UPDATE_README=1 swift test --filter MigrationTableTests")
    }

    @Test func everyRowIsOneLineOfFourCells() {
        let rows = NginxAnnotation.markdownTable().split(separator: "\n").filter { $0.hasPrefix("| `") }
        #expect(rows.count == NginxAnnotation.table.count + 1, "a row per annotation and the header")
        #expect(rows.allSatisfy { $0.filter { $0 == "|" }.count == 5 })
    }
}
