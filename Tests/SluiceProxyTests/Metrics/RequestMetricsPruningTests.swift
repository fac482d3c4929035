import SluiceMetrics
import Testing

@testable import SluiceProxy

/// Routes that leave the routing table stop being exported, and their cells are dropped.
@Suite struct RequestMetricsPruningTests {
    private let kept = RouteMetricsKey(source: "default/kept", backend: "default/a:80")
    private let gone = RouteMetricsKey(source: "default/gone", backend: "default/b:80")
    private let labels = RequestSeriesLabels(method: .get, status: .success, proto: .http1)

    @Test func aScrapeRetiresRoutesThatLeftTheTable() {
        let registry = RequestMetricsRegistry()
        let loop = LoopRequestMetrics(registry: registry)
        let keptCell = loop.cell(for: kept, generation: 1)
        let goneCell = loop.cell(for: gone, generation: 1)
        keptCell.series(for: labels).observe(nanoseconds: 1)
        goneCell.series(for: labels).observe(nanoseconds: 1)

        let exported = registry.collect(retiring: { $0 == kept }, generation: 2).map(\.key)
        #expect(exported == [kept])
        let retired = goneCell.shared.retired.load(ordering: .relaxed)
        #expect(retired)
        #expect(registry.collect(retiring: { $0 == kept }, generation: 2).map(\.key) == [kept])

        // The loop drops the retired cell; a request that still reaches the route starts anew.
        #expect(loop.cell(for: kept, generation: 2) === keptCell)
        let again = loop.cell(for: gone, generation: 2)
        #expect(again !== goneCell)
        #expect(again.series(for: labels).snapshot.count == 0)
    }

    @Test func aRouteMadeWithANewerTableThanTheScrapesIsKept() {
        let registry = RequestMetricsRegistry()
        let loop = LoopRequestMetrics(registry: registry)
        _ = loop.cell(for: gone, generation: 5)
        #expect(registry.collect(retiring: { _ in false }, generation: 4).map(\.key) == [gone])
        #expect(registry.collect(retiring: { _ in false }, generation: 5).isEmpty)
    }

    @Test func theExportSumsLoopsAndSkipsRetiredRoutes() {
        let first = LoopRequestMetrics(registry: RequestMetricsRegistry())
        let second = LoopRequestMetrics(registry: RequestMetricsRegistry())
        first.cell(for: kept, generation: 1).series(for: labels).observe(nanoseconds: 1_000)
        second.cell(for: kept, generation: 1).series(for: labels).observe(nanoseconds: 1_000)
        second.cell(for: gone, generation: 1).series(for: labels).observe(nanoseconds: 1_000)
        let live = LiveRouteKeys(generation: 2, keys: [kept, .unrouted])
        let text = PrometheusExposition.text(RouteMetricsExport.families([first.registry, second.registry], live: live))
        #expect(text.contains(#"sluice_requests_total{namespace="default",ingress="kept",service="a",method="GET",status="2xx",protocol="http/1.1"} 2"#))
        #expect(!text.contains(#"ingress="gone""#))
    }
}
