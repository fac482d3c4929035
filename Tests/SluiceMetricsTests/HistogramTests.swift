import Testing

@testable import SluiceMetrics

/// Bucket choice and the histogram's exposition.
@Suite struct HistogramTests {
    private let buckets = HistogramBuckets(seconds: [0.001, 0.01, 1])

    @Test func anObservationGoesInTheFirstBucketItDoesNotExceed() {
        #expect(buckets.index(of: 0) == 0)
        #expect(buckets.index(of: 1_000_000) == 0)  // le="0.001" includes 1 ms
        #expect(buckets.index(of: 1_000_001) == 1)
        #expect(buckets.index(of: 10_000_000) == 1)
        #expect(buckets.index(of: 999_999_999) == 2)
        #expect(buckets.index(of: 1_000_000_001) == 3)  // +Inf
        #expect(buckets.count == 4)
    }

    @Test func boundsAreWrittenInTheirShortestForm() {
        #expect((0..<buckets.count).map(buckets.label) == ["0.001", "0.01", "1", "+Inf"])
        #expect(PrometheusExposition.seconds(nanoseconds: 2_500_000_000) == "2.5")
        #expect(PrometheusExposition.seconds(nanoseconds: 3_600_000_000_000) == "3600")
        #expect(PrometheusExposition.seconds(nanoseconds: 1) == "0.000000001")
        #expect(PrometheusExposition.seconds(nanoseconds: 0) == "0")
    }

    @Test func bucketsAreCumulativeWithSumAndCount() {
        let histogram = HistogramSnapshot(sumNanoseconds: 1_502_000_000, buckets: [2, 0, 1, 1])
        let text = PrometheusExposition.text([
            .init(
                "t_seconds", .histogram, help: "h",
                samples: PrometheusExposition.histogramSamples(histogram, buckets: buckets, labels: [("ingress", #"a"b\c"#)]))
        ])
        #expect(
            text == #"""
                # HELP t_seconds h
                # TYPE t_seconds histogram
                t_seconds_bucket{ingress="a\"b\\c",le="0.001"} 2
                t_seconds_bucket{ingress="a\"b\\c",le="0.01"} 2
                t_seconds_bucket{ingress="a\"b\\c",le="1"} 3
                t_seconds_bucket{ingress="a\"b\\c",le="+Inf"} 4
                t_seconds_sum{ingress="a\"b\\c"} 1.502
                t_seconds_count{ingress="a\"b\\c"} 4

                """#)
    }

    @Test func recordingCountsAnObservationInItsBucketAndTheSum() {
        var histogram = HistogramSnapshot.empty(buckets)
        histogram.record(nanoseconds: 5_000_000, in: buckets)
        histogram.record(nanoseconds: 2_000_000_000, in: buckets)
        #expect(histogram == HistogramSnapshot(sumNanoseconds: 2_005_000_000, buckets: [0, 1, 0, 1]))
        #expect(histogram.count == 2)
    }
}
