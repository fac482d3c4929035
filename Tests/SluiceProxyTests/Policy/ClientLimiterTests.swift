import NIOCore
import NIOHTTP1
import SluiceRouting
import Testing

@testable import SluiceProxy

/// `ClientLimiter` counted directly: a burst takes exactly the bucket's capacity, an in-flight
/// cap holds while slots live, keys are per Ingress and client, and the table stays bounded.
@Suite("Client limiter")
struct ClientLimiterTests {
    private static let hour = RequestRate(requests: 1, period: .seconds(3600), burst: 3)
    private static func key(_ address: String, ingress: String = "default/a") -> ClientLimiter.Key {
        ClientLimiter.Key(ingress: ingress, address: IPAddress(address))
    }

    @Test func aBurstGetsExactlyTheCapacity() {
        let limiter = ClientLimiter()
        let limits = ClientLimits(rates: [Self.hour])
        var refused: [Int] = []
        for _ in 0..<10 {
            if case .refused(let retryAfter) = limiter.admit(Self.key("10.0.0.1"), limits: limits, now: 1_000) {
                refused.append(retryAfter)
            }
        }
        #expect(refused.count == 6, "a burst of 3 and the one the rate allows: 4 of 10 admitted")
        #expect(refused.allSatisfy { (3599...3600).contains($0) })
        // Another client, or the same client on another Ingress, has a bucket of its own.
        guard case .admitted = limiter.admit(Self.key("10.0.0.2"), limits: limits, now: 1_000) else {
            Issue.record("another client was refused")
            return
        }
        guard case .admitted = limiter.admit(Self.key("10.0.0.1", ingress: "default/b"), limits: limits, now: 1_000) else {
            Issue.record("another Ingress was refused")
            return
        }
        // One request's worth of time later, one more.
        let later: UInt64 = 1_000 + 3_600_000_000_000
        guard case .admitted = limiter.admit(Self.key("10.0.0.1"), limits: limits, now: later) else {
            Issue.record("refused after the bucket refilled one")
            return
        }
        guard case .refused = limiter.admit(Self.key("10.0.0.1"), limits: limits, now: later) else {
            Issue.record("admitted more than the refill")
            return
        }
    }

    @Test func bothRatesApply() {
        let limiter = ClientLimiter()
        let perSecond = RequestRate(requests: 100, period: .seconds(1), burst: 100)
        let limits = ClientLimits(rates: [perSecond, Self.hour])
        let admitted = (0..<10).filter {
            guard case .admitted = limiter.admit(Self.key("10.0.0.1"), limits: limits, now: UInt64($0)) else { return false }
            return true
        }
        #expect(admitted.count == 4)
    }

    @Test func anInFlightCapHoldsWhileSlotsLive() {
        let limiter = ClientLimiter()
        let limits = ClientLimits(maxInFlight: 2)
        var slots: [ClientLimitSlot] = []
        for _ in 0..<2 {
            guard case .admitted(let slot?) = limiter.admit(Self.key("10.0.0.1"), limits: limits, now: 0) else {
                Issue.record("refused under the cap")
                return
            }
            slots.append(slot)
        }
        guard case .refused(retryAfter: 1) = limiter.admit(Self.key("10.0.0.1"), limits: limits, now: 0) else {
            Issue.record("admitted over the cap")
            return
        }
        #expect(limiter.inFlight(Self.key("10.0.0.1")) == 2)
        slots.removeLast()
        #expect(limiter.inFlight(Self.key("10.0.0.1")) == 1)
        guard case .admitted = limiter.admit(Self.key("10.0.0.1"), limits: limits, now: 0) else {
            Issue.record("refused after a slot was let go")
            return
        }
    }

    @Test func theTableIsBoundedAndFailsClosed() {
        let limiter = ClientLimiter(maxEntries: 2)
        let limits = ClientLimits(maxInFlight: 1)
        var slots: [ClientLimitSlot] = []
        for address in ["10.0.0.1", "10.0.0.2"] {
            if case .admitted(let slot?) = limiter.admit(Self.key(address), limits: limits, now: 0) { slots.append(slot) }
        }
        #expect(slots.count == 2)
        guard case .refused = limiter.admit(Self.key("10.0.0.3"), limits: limits, now: 0) else {
            Issue.record("a third client fit a full table of busy clients")
            return
        }
        slots.removeAll()
        guard case .admitted = limiter.admit(Self.key("10.0.0.3"), limits: limits, now: 0) else {
            Issue.record("idle clients were not forgotten")
            return
        }
    }

    @Test func theAllowlistExempts() {
        let limits = ClientLimits(maxInFlight: 1, exempt: [AddressRange("10.0.0.0/8")!])
        #expect(limits.exempts(IPAddress("10.1.2.3")))
        #expect(!limits.exempts(IPAddress("192.0.2.1")))
        #expect(!limits.exempts(nil))
    }
}
