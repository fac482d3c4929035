import Foundation
import SluiceController
import SluiceTestSupport
import Testing

@testable import SluiceProxy

/// The README's metric tables are the export: every family `/metrics` can write in controller
/// mode (each source writes its `# TYPE` line even without samples) is listed with its type, and
/// nothing else is. The chart's dashboard and alerts are checked against those tables
/// (`Scripts/deploy_checks/check_monitoring.py`), so through them against the export.
@Suite struct MetricsDocumentationTests {
    /// `name -> type` of the `# TYPE` lines of `text`.
    static func types(_ text: String) -> [String: String] {
        var types: [String: String] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("# TYPE ") {
            let parts = line.split(separator: " ")
            types[String(parts[2])] = String(parts[3])
        }
        return types
    }

    /// `name -> type` of the README's metric table rows (`| `name` | type | ...`).
    static func documented() throws -> [String: String] {
        let readme = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("README.md")
        var types: [String: String] = [:]
        for line in try String(contentsOf: readme, encoding: .utf8).split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 2, ["counter", "gauge", "histogram"].contains(cells[1]) else { continue }
            types[cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))] = cells[1]
        }
        return types
    }

    @Test func theReadmeListsEveryExportedMetricWithItsType() throws {
        // The sources `sluice controller` serves: the admin server's own gauges, the proxy
        // listeners', the data plane's and the controller's (ProxyRuntime, ControllerCommand).
        let proxy = ProxyService(
            configuration: ProxyServiceConfiguration(host: "127.0.0.1", port: 0), readiness: ReadinessState(),
            childChannelInitializer: { _ in })
        let scrape =
            RoutingGauges.text(generation: 0, routes: 0, ready: false) + proxy.metricsText()
            + ProxyMetrics().prometheusText() + ControllerMetrics().prometheusText()
        let exported = Self.types(scrape)
        let documented = try Self.documented()
        #expect(exported.count > 30)
        for (name, type) in exported.sorted(by: { $0.key < $1.key }) {
            #expect(documented[name] == type, "\(name) (\(type)) is exported; the README lists it as \(documented[name] ?? "nothing")")
        }
        for name in documented.keys.sorted() where exported[name] == nil {
            Issue.record("the README lists \(name), which no source exports")
        }
    }
}
