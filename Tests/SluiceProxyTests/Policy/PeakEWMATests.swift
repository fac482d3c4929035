import Testing

@testable import SluiceProxy

/// `PeakEWMA` and the `ewma` choice over it: a slow endpoint gets less traffic, a slower answer
/// counts at once, an idle score drifts back, and a new endpoint takes one request at a time.
@Suite("Peak EWMA")
struct PeakEWMATests {
    private static let millisecond: UInt64 = 1_000_000

    /// Two endpoints, one answering in 10 ms and one in 100 ms, asked by one client after
    /// another (nothing else in flight) every 5 ms for 10 s: the slow one gets few requests.
    @Test func aSlowEndpointGetsLessTraffic() {
        let latencies: [UInt64] = [10 * Self.millisecond, 100 * Self.millisecond, 12 * Self.millisecond]
        var scores = Array(repeating: PeakEWMA(), count: latencies.count)
        var picks = Array(repeating: 0, count: latencies.count)
        var random = RequestIDGenerator(seed: 7)
        var now: UInt64 = 1_000 * Self.millisecond
        for _ in 0..<2_000 {
            let index = EndpointChoice.lowerCostOfTwo(
                count: scores.count, cost: { scores[$0].cost(inFlight: 0, at: now) }, random: &random)
            picks[index] += 1
            scores[index].observe(latency: latencies[index], at: now + latencies[index])
            now += 5 * Self.millisecond
        }
        #expect(picks[1] < 2_000 / 10, "\(picks)")
        #expect(picks[0] > picks[1] * 4 && picks[2] > picks[1] * 4, "\(picks)")
    }

    @Test func aSlowerAnswerCountsAtOnceAndAFasterOneSlowly() {
        var score = PeakEWMA()
        score.observe(latency: 10 * Self.millisecond, at: 0)
        score.observe(latency: 200 * Self.millisecond, at: Self.millisecond)
        #expect(score.score(at: Self.millisecond) == Double(200 * Self.millisecond))
        // One second later a fast answer moves the average about a tenth of the way (e^-0.1).
        score.observe(latency: 10 * Self.millisecond, at: 1_001 * Self.millisecond)
        let average = score.score(at: 1_001 * Self.millisecond) ?? 0
        #expect(average > Double(170 * Self.millisecond) && average < Double(185 * Self.millisecond), "\(average)")
    }

    @Test func anIdleScoreDriftsBackTowardZero() {
        var score = PeakEWMA()
        score.observe(latency: 100 * Self.millisecond, at: 0)
        let later = score.score(at: 30_000 * Self.millisecond) ?? .infinity
        #expect(later < Double(6 * Self.millisecond))
        #expect(later > 0)
    }

    @Test func busyEndpointsCostMoreAndANewOneOneRequestAtATime() {
        var score = PeakEWMA()
        #expect(score.cost(inFlight: 0, at: 0) == 0)
        #expect(score.cost(inFlight: 1, at: 0) == .greatestFiniteMagnitude)
        score.observe(latency: 10 * Self.millisecond, at: 0)
        #expect(score.cost(inFlight: 3, at: 0) == 4 * score.cost(inFlight: 0, at: 0))
    }
}
