import SluiceMetrics

extension HistogramBuckets {
    /// Request and stream durations: 1 ms to 1 h (a stream may last that long).
    static let requestDuration = HistogramBuckets(
        seconds: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600])
}
