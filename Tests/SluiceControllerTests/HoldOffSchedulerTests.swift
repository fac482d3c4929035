import Testing

@testable import SluiceController

@Suite struct HoldOffSchedulerTests {
    let scheduler = HoldOffScheduler(minimum: .milliseconds(100), maximum: .seconds(1))
    let start = ContinuousClock.Instant.now

    @Test func waitsForTheMinimumAfterALoneChange() {
        #expect(scheduler.decide(firstChange: start, lastChange: start, now: start) == .wait(until: start + .milliseconds(100)))
        #expect(scheduler.decide(firstChange: start, lastChange: start, now: start + .milliseconds(100)) == .rebuild)
    }

    @Test func eachNewChangeRestartsTheQuietPeriod() {
        let last = start + .milliseconds(90)
        #expect(
            scheduler.decide(firstChange: start, lastChange: last, now: start + .milliseconds(100))
                == .wait(until: last + .milliseconds(100)))
    }

    @Test func aConstantTrickleStillRebuildsAtTheMaximum() {
        let last = start + .milliseconds(990)
        #expect(
            scheduler.decide(firstChange: start, lastChange: last, now: start + .milliseconds(995))
                == .wait(until: start + .seconds(1)))
        #expect(scheduler.decide(firstChange: start, lastChange: last, now: start + .seconds(1)) == .rebuild)
    }
}

@Suite struct HoldOffLeadingEdgeTests {
    let scheduler = HoldOffScheduler(minimum: .milliseconds(100), maximum: .seconds(1))
    let start = ContinuousClock.Instant.now

    @Test func aLoneChangeAQuietSpellAfterTheLastRebuildIsBuiltAtOnce() {
        let rebuilt = start - .seconds(1)
        #expect(scheduler.decide(firstChange: start, lastChange: start, now: start, lastRebuild: rebuilt) == .rebuild)
    }

    @Test func aChangeSoonAfterARebuildIsPartOfABurstAndWaits() {
        let rebuilt = start - .milliseconds(999)
        #expect(
            scheduler.decide(firstChange: start, lastChange: start, now: start, lastRebuild: rebuilt)
                == .wait(until: start + .milliseconds(100)))
    }
}
