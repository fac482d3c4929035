import Foundation
import KubeModels

/// client-go's leader election as a pure value: given what the Lease looks like and the time,
/// what to write; given how the write went, whether we lead.
///
/// Expiry is judged on this replica's own monotonic clock, from the moment it last saw the Lease
/// change (never from the `renewTime` written by another machine, whose clock may be skewed).
/// Safety comes from the API server: every write carries the resourceVersion last read, and a
/// stale one is refused with 409 Conflict.
public struct LeaderElectionStateMachine: Sendable {
    /// What to do after observing the Lease.
    public enum Decision: Sendable, Hashable {
        /// No Lease exists: create it, holding it.
        case create(LeaseSpec)
        /// Write `spec` over the Lease last read at `resourceVersion` (acquire or renew).
        case update(LeaseSpec, resourceVersion: String)
        /// Another replica holds a live Lease: wait for the next period.
        case standBy(holder: String)
    }

    /// A change of leadership to act on.
    public enum LeadershipChange: Sendable, Hashable {
        case acquired
        case lost
    }

    public let configuration: LeaderElectionConfiguration
    public private(set) var isLeader = false
    private var observedSpec: LeaseSpec?
    private var observedResourceVersion: String?
    private var observedAt: ContinuousClock.Instant?
    private var lastRenewal: ContinuousClock.Instant?

    public init(configuration: LeaderElectionConfiguration) {
        self.configuration = configuration
    }

    /// The Lease was read (`nil`: it does not exist).
    public mutating func observed(
        _ lease: Lease?, now: ContinuousClock.Instant, wallClock: Date
    ) -> (Decision, LeadershipChange?) {
        guard let lease else {
            observedSpec = nil
            observedResourceVersion = nil
            return (.create(spec(acquiring: nil, wallClock: wallClock)), nil)
        }
        let spec = lease.spec ?? LeaseSpec()
        if spec != observedSpec || observedAt == nil {
            observedSpec = spec
            observedAt = now
        }
        observedResourceVersion = lease.metadata.resourceVersion
        let holder = spec.holderIdentity ?? ""
        if !holder.isEmpty && holder != configuration.identity && !isExpired(spec, now: now) {
            let change: LeadershipChange? = isLeader ? .lost : nil
            isLeader = false
            return (.standBy(holder: holder), change)
        }
        return (
            .update(self.spec(acquiring: spec, wallClock: wallClock), resourceVersion: observedResourceVersion ?? ""),
            nil
        )
    }

    /// The leader renews without reading first, from the last Lease it wrote; nil when not leader
    /// (read the Lease and call ``observed(_:now:wallClock:)`` instead).
    public func renewal(wallClock: Date) -> Decision? {
        guard isLeader, let observedSpec, let observedResourceVersion else { return nil }
        return .update(spec(acquiring: observedSpec, wallClock: wallClock), resourceVersion: observedResourceVersion)
    }

    /// The create or update succeeded; `lease` is what the server stored.
    public mutating func written(_ lease: Lease, now: ContinuousClock.Instant) -> LeadershipChange? {
        observedSpec = lease.spec
        observedResourceVersion = lease.metadata.resourceVersion
        observedAt = now
        lastRenewal = now
        let change: LeadershipChange? = isLeader ? nil : .acquired
        isLeader = true
        return change
    }

    /// The write failed (409 Conflict, or no answer). The leader steps down once it has not
    /// renewed for ``LeaderElectionConfiguration/renewDeadline``.
    public mutating func writeFailed(now: ContinuousClock.Instant) -> LeadershipChange? {
        guard isLeader else { return nil }
        if let lastRenewal, now - lastRenewal < configuration.renewDeadline { return nil }
        isLeader = false
        return .lost
    }

    /// On shutdown: the Lease to write so another replica acquires at once (empty holder), and the
    /// resourceVersion to write it over; nil when not leader.
    public mutating func release(wallClock: Date) -> (LeaseSpec, resourceVersion: String)? {
        guard isLeader, let observedResourceVersion else { return nil }
        isLeader = false
        let now = KubeTime.microTime(wallClock)
        let spec = LeaseSpec(
            holderIdentity: "", leaseDurationSeconds: 1, acquireTime: now, renewTime: now,
            leaseTransitions: observedSpec?.leaseTransitions ?? 0)
        return (spec, observedResourceVersion)
    }

    private func isExpired(_ spec: LeaseSpec, now: ContinuousClock.Instant) -> Bool {
        guard let observedAt else { return true }
        let duration = spec.leaseDurationSeconds.map { Duration.seconds($0) } ?? configuration.leaseDuration
        return now >= observedAt + duration
    }

    /// The spec that makes us the holder: keeps `acquireTime` and the transition count when we
    /// already held it, otherwise starts a new term.
    private func spec(acquiring current: LeaseSpec?, wallClock: Date) -> LeaseSpec {
        let now = KubeTime.microTime(wallClock)
        let leaseSeconds = Int(configuration.leaseDuration.components.seconds)
        if let current, current.holderIdentity == configuration.identity {
            return LeaseSpec(
                holderIdentity: configuration.identity, leaseDurationSeconds: leaseSeconds,
                acquireTime: current.acquireTime ?? now, renewTime: now,
                leaseTransitions: current.leaseTransitions ?? 0)
        }
        let transitions = (current?.leaseTransitions ?? -1) + 1
        return LeaseSpec(
            holderIdentity: configuration.identity, leaseDurationSeconds: leaseSeconds, acquireTime: now,
            renewTime: now, leaseTransitions: current == nil ? 0 : transitions)
    }
}
