import SluiceMetrics
import Testing

@testable import SluiceProxy

/// A request series' histogram, as its loop writes it.
@Suite struct RequestSeriesTests {
    @Test func aSeriesCountsWhatItsLoopObserved() {
        let series = RequestSeries(labels: RequestSeriesLabels(method: .get, status: .success, proto: .http1))
        series.observe(nanoseconds: 2_000_000)
        series.observe(nanoseconds: 2_000_000_000)
        let snapshot = series.snapshot
        #expect(snapshot.count == 2)
        #expect(snapshot.sumNanoseconds == 2_002_000_000)
        #expect(snapshot.buckets[HistogramBuckets.requestDuration.index(of: 2_000_000)] == 1)
    }
}
