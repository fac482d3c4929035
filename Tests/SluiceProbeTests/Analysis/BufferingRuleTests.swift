import SluiceProbe
import Testing

/// The buffering rule on synthetic timelines: what streams passes, what a buffer releases fails,
/// and the borderline cases fall on the documented side.
@Suite("BufferingRule")
struct BufferingRuleTests {
    let rule = BufferingRule()

    private func ms(_ value: Double) -> Duration { .microseconds(Int64((value * 1000).rounded())) }

    /// `count` events `every` ms apart, the first at `first` ms.
    private func cadence(_ count: Int, every: Double, first: Double = 0) -> [Duration] {
        (0..<count).map { ms(first + Double($0) * every) }
    }

    /// `count` events 10 µs apart from `at` ms: one buffer flushed.
    private func burst(_ count: Int, at: Double) -> [Duration] {
        (0..<count).map { ms(at + Double($0) * 0.01) }
    }

    @Test func anEventEvery50msStreams() {
        let judgement = rule.judge(arrivals: cadence(40, every: 50, first: 1))
        #expect(judgement.verdict == .streamed)
        #expect(judgement.bursts.isEmpty)
        #expect(judgement.silenceThreshold == ms(500))
    }

    @Test func jitterAndOccasionalPairsStillStream() {
        // 50 ms ± 10 ms, every fifth event written together with the one before.
        var arrivals: [Duration] = []
        var time = 2.0
        for index in 0..<60 {
            time += index % 5 == 4 ? 0.02 : 50 + Double((index * 7) % 21 - 10)
            arrivals.append(ms(time))
        }
        #expect(rule.judge(arrivals: arrivals).verdict == .streamed)
    }

    @Test func everythingInOneWriteAtTheEndIsBuffered() {
        let judgement = rule.judge(arrivals: burst(20, at: 1000), requestStart: ms(0.5))
        #expect(judgement.verdict == .buffered)
        #expect(judgement.bursts.count == 1)
        #expect(judgement.bursts[0].silence == ms(999.5))
        #expect(judgement.explanation.hasPrefix("buffered: all 20 events arrived in one burst"))
    }

    @Test func fourKiBBurstsAreBuffered() {
        let arrivals = burst(64, at: 640) + burst(64, at: 1280) + burst(64, at: 1920) + burst(8, at: 2000)
        let judgement = rule.judge(arrivals: arrivals)
        #expect(judgement.verdict == .buffered)
        // The last 8 events came 80 ms after the previous burst: not a silence, not counted.
        #expect(judgement.bursts.map(\.events) == [64, 64, 64])
        #expect(judgement.eventsInBursts == 192)
        #expect(judgement.explanation.contains("192 of 200 events arrived in 3 bursts"))
    }

    @Test func oneHiccupIsABurstButNotBuffering() {
        // 100 events 50 ms apart; after a 1 s pause the upstream catches up with 5 at once.
        let arrivals = cadence(50, every: 50) + burst(5, at: 3450) + cadence(45, every: 50, first: 3500)
        let judgement = rule.judge(arrivals: arrivals)
        #expect(judgement.verdict == .streamed)
        #expect(judgement.bursts.map(\.events) == [5])
        #expect(judgement.explanation.contains("fewer than half"))
    }

    @Test func aSlowFirstTokenThenAStreamIsNotBuffering() {
        // The model thinks for 2 s, then a token every 30 ms.
        #expect(rule.judge(arrivals: cadence(50, every: 30, first: 2000)).verdict == .streamed)
    }

    @Test func aSilenceIsMeasuredAgainstTheMedianGap() {
        // Events every 100 ms: a silence must be 1 s; 600 ms before three together is not one.
        let quiet = cadence(20, every: 100) + burst(3, at: 2500)
        #expect(rule.judge(arrivals: quiet).bursts.isEmpty)
        let long = cadence(20, every: 100) + burst(3, at: 2900)
        #expect(rule.judge(arrivals: long).bursts.map(\.events) == [3])
    }

    @Test func theFirstEventsSilenceCountsFromTheRequest() {
        let arrivals = burst(10, at: 300)
        #expect(rule.judge(arrivals: arrivals, requestStart: ms(50)).verdict == .buffered)
        // Sent 150 ms before they arrived: under the 200 ms floor.
        #expect(rule.judge(arrivals: arrivals, requestStart: ms(150)).verdict == .streamed)
    }

    @Test func borderlineSilenceAndWindow() {
        // A silence of exactly the floor counts; 1 µs less does not.
        #expect(rule.judge(arrivals: [ms(0), ms(200), ms(200.005), ms(200.010)]).bursts.count == 1)
        #expect(rule.judge(arrivals: [ms(0), ms(199.999), ms(200.004), ms(200.009)]).bursts.isEmpty)
        // Gaps of exactly 5 ms keep a burst together; 5.001 ms splits it below three events.
        #expect(rule.judge(arrivals: [ms(300), ms(305), ms(310)]).bursts.map(\.events) == [3])
        #expect(rule.judge(arrivals: [ms(300), ms(305), ms(310.001)]).bursts.isEmpty)
    }

    @Test func borderlineShare() {
        // Exactly half the events in bursts is buffered. The other events come in pairs (no
        // burst), so the median gap stays small.
        let pairs = [ms(2000), ms(2000.01), ms(3000), ms(3000.01)]
        let half = burst(4, at: 1000) + pairs
        #expect(rule.judge(arrivals: half).eventsInBursts == 4)
        #expect(rule.judge(arrivals: half).verdict == .buffered)
        let less = burst(4, at: 1000) + pairs + [ms(4000), ms(4000.01)]
        #expect(rule.judge(arrivals: less).eventsInBursts == 4)
        #expect(rule.judge(arrivals: less).verdict == .streamed)
    }

    @Test func twoEventsTogetherAreNoBurst() {
        #expect(rule.judge(arrivals: [ms(500), ms(500.01), ms(1500), ms(1500.01)]).bursts.isEmpty)
    }

    @Test func tooFewEventsAreNotJudged() {
        let judgement = rule.judge(arrivals: burst(2, at: 1000))
        #expect(judgement.verdict == .notJudged)
        #expect(judgement.explanation.contains("2 events, too few"))
        #expect(rule.judge(arrivals: []).verdict == .notJudged)
    }

    @Test func gapSummary() {
        let gaps = GapSummary(arrivals: [ms(0), ms(10), ms(30), ms(60), ms(100)])
        #expect(gaps.gaps == [ms(10), ms(20), ms(30), ms(40)])
        #expect(gaps.median == ms(25))
        #expect(gaps.p90 == ms(40))
        #expect(gaps.max == ms(40))
        #expect(GapSummary(arrivals: [ms(3)]).median == nil)
    }
}
