import SluiceTestSupport
import Testing

/// Expects `promtool check metrics` to find nothing in a scrape (see ``PromtoolLint``).
enum PromtoolCheck {
    static func expectClean(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        guard let findings = try await PromtoolLint.findings(in: text) else { return }
        #expect(findings.isEmpty, "promtool check metrics: \(findings)", sourceLocation: sourceLocation)
    }
}
