import Foundation
import KubeModels
import Testing

@testable import SluiceController

@Suite struct LeaderElectionStateMachineTests {
    let start = ContinuousClock.Instant.now
    let wall = Date(timeIntervalSince1970: 1_800_000_000.25)
    let configuration = LeaderElectionConfiguration(identity: "pod-a", leaseNamespace: "sluice", leaseName: "sluice-leader")

    private func lease(holder: String?, renew: String = "2027-01-15T08:00:00.000000Z", version: String, transitions: Int = 0) -> Lease {
        Lease(
            metadata: ObjectMeta(name: "sluice-leader", namespace: "sluice", resourceVersion: version),
            spec: LeaseSpec(
                holderIdentity: holder, leaseDurationSeconds: 15, acquireTime: renew, renewTime: renew,
                leaseTransitions: transitions))
    }

    @Test func createsAMissingLeaseAndLeadsOnceWritten() {
        var machine = LeaderElectionStateMachine(configuration: configuration)
        let (decision, change) = machine.observed(nil, now: start, wallClock: wall)
        guard case .create(let spec) = decision else {
            Issue.record("expected create, got \(decision)")
            return
        }
        #expect(change == nil)
        #expect(spec.holderIdentity == "pod-a" && spec.leaseDurationSeconds == 15 && spec.leaseTransitions == 0)
        #expect(spec.renewTime == "2027-01-15T08:00:00.250000Z")
        #expect(machine.written(lease(holder: "pod-a", version: "1"), now: start) == .acquired)
        #expect(machine.isLeader)
    }

    @Test func standsByWhileAnotherHolderRenewsAndAcquiresOnceItExpires() {
        var machine = LeaderElectionStateMachine(configuration: configuration)
        let held = lease(holder: "pod-b", version: "7", transitions: 2)
        #expect(machine.observed(held, now: start, wallClock: wall).0 == .standBy(holder: "pod-b"))
        // Unchanged for 14 s: still pod-b's, judged on our own clock.
        #expect(machine.observed(held, now: start + .seconds(14), wallClock: wall).0 == .standBy(holder: "pod-b"))
        let (decision, _) = machine.observed(held, now: start + .seconds(15), wallClock: wall)
        guard case .update(let spec, let version) = decision else {
            Issue.record("expected update, got \(decision)")
            return
        }
        #expect(version == "7")
        #expect(spec.holderIdentity == "pod-a" && spec.leaseTransitions == 3)
    }

    @Test func aRenewedLeaseRestartsTheExpiryClock() {
        var machine = LeaderElectionStateMachine(configuration: configuration)
        _ = machine.observed(lease(holder: "pod-b", version: "7"), now: start, wallClock: wall)
        let renewed = lease(holder: "pod-b", renew: "2027-01-15T08:00:10.000000Z", version: "8")
        #expect(machine.observed(renewed, now: start + .seconds(10), wallClock: wall).0 == .standBy(holder: "pod-b"))
        #expect(machine.observed(renewed, now: start + .seconds(20), wallClock: wall).0 == .standBy(holder: "pod-b"))
    }

    @Test func aReleasedLeaseIsAcquiredAtOnce() {
        var machine = LeaderElectionStateMachine(configuration: configuration)
        let (decision, _) = machine.observed(lease(holder: "", version: "9"), now: start, wallClock: wall)
        guard case .update(_, let version) = decision else {
            Issue.record("expected update, got \(decision)")
            return
        }
        #expect(version == "9")
    }

    @Test func theLeaderRenewsFromItsLastWriteAndStepsDownAfterTheRenewDeadline() {
        var machine = LeaderElectionStateMachine(configuration: configuration)
        #expect(machine.renewal(wallClock: wall) == nil)
        _ = machine.written(lease(holder: "pod-a", version: "3"), now: start)
        guard case .update(let spec, let version)? = machine.renewal(wallClock: wall) else {
            Issue.record("expected a renewal")
            return
        }
        #expect(version == "3" && spec.holderIdentity == "pod-a" && spec.acquireTime == "2027-01-15T08:00:00.000000Z")
        #expect(machine.writeFailed(now: start + .seconds(2)) == nil)
        #expect(machine.isLeader)
        #expect(machine.writeFailed(now: start + .seconds(10)) == .lost)
        #expect(!machine.isLeader)
    }

    @Test func seeingAnotherLiveHolderWhileLeadingLosesLeadership() {
        var machine = LeaderElectionStateMachine(configuration: configuration)
        _ = machine.written(lease(holder: "pod-a", version: "3"), now: start)
        let (decision, change) = machine.observed(lease(holder: "pod-b", version: "4"), now: start + .seconds(1), wallClock: wall)
        #expect(decision == .standBy(holder: "pod-b"))
        #expect(change == .lost)
    }

    @Test func releaseEmptiesTheHolderOverTheLastVersion() {
        var machine = LeaderElectionStateMachine(configuration: configuration)
        _ = machine.written(lease(holder: "pod-a", version: "5", transitions: 4), now: start)
        let released = machine.release(wallClock: wall)
        #expect(released?.resourceVersion == "5")
        #expect(released?.0.holderIdentity == "" && released?.0.leaseTransitions == 4)
        #expect(!machine.isLeader)
        #expect(machine.release(wallClock: wall) == nil)
    }
}
