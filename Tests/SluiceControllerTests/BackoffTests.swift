import Testing

@testable import SluiceController

@Suite struct BackoffTests {
    @Test func doublesFrom800MillisecondsUpTo30Seconds() {
        var backoff = Backoff(jitter: 0)
        let delays = (0..<10).map { _ in backoff.next(random: 0) }
        #expect(delays.prefix(4) == [.milliseconds(800), .milliseconds(1600), .milliseconds(3200), .milliseconds(6400)])
        #expect(delays.last == .seconds(30))
        #expect(delays.allSatisfy { $0 <= .seconds(30) })
    }

    @Test func jitterShortensButNeverExceedsTheStep() {
        var low = Backoff(jitter: 0.2)
        var high = Backoff(jitter: 0.2)
        #expect(low.next(random: 0) == .milliseconds(800))
        #expect(high.next(random: 0.999).seconds < 0.8)
        #expect(high.next(random: 0.5).seconds >= 1.6 * 0.8)
    }

    @Test func resetStartsOver() {
        var backoff = Backoff(jitter: 0)
        _ = backoff.next(random: 0)
        _ = backoff.next(random: 0)
        backoff.reset()
        #expect(backoff.next(random: 0) == .milliseconds(800))
    }
}
