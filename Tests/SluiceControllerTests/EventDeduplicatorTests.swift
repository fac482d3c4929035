import SluiceIngress
import Testing

@testable import SluiceController

@Suite struct EventDeduplicatorTests {
    let start = ContinuousClock.Instant.now
    let bad = Diagnostic(namespace: "shop", name: "web", reason: "InvalidAnnotation", message: "sluice.io/proxy-read-timeout: bad")
    let lost = Diagnostic(namespace: "shop", name: "old", reason: "ConflictLost", message: "shop.example.com/ taken")

    @Test func aNewDiagnosticCreatesOneEventAndASteadyStateNone() {
        var deduplicator = EventDeduplicator(repeatInterval: .seconds(600))
        #expect(deduplicator.plan([bad, bad], now: start) == [.create(bad)])
        deduplicator.created(bad, eventName: "web.1")
        #expect(deduplicator.plan([bad], now: start + .seconds(1)) == [])
        #expect(deduplicator.plan([bad], now: start + .seconds(599)) == [])
    }

    @Test func afterTheIntervalTheEventCountIsBumped() {
        var deduplicator = EventDeduplicator(repeatInterval: .seconds(600))
        _ = deduplicator.plan([bad], now: start)
        deduplicator.created(bad, eventName: "web.1")
        #expect(deduplicator.plan([bad], now: start + .seconds(600)) == [.repeatEvent(bad, eventName: "web.1", count: 2)])
        #expect(deduplicator.plan([bad], now: start + .seconds(1200)) == [.repeatEvent(bad, eventName: "web.1", count: 3)])
    }

    @Test func aDiagnosticThatGoesAndComesBackIsNews() {
        var deduplicator = EventDeduplicator()
        _ = deduplicator.plan([bad, lost], now: start)
        #expect(deduplicator.plan([lost], now: start) == [])
        #expect(deduplicator.trackedCount == 1)
        #expect(deduplicator.plan([bad, lost], now: start) == [.create(bad)])
    }

    @Test func aFailedWriteIsRetriedNextTime() {
        var deduplicator = EventDeduplicator()
        _ = deduplicator.plan([bad], now: start)
        deduplicator.failed(bad)
        #expect(deduplicator.plan([bad], now: start) == [.create(bad)])
    }
}
