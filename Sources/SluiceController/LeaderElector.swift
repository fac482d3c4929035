import Foundation
import KubeClient
import KubeModels
import Logging

/// The I/O around ``LeaderElectionStateMachine``: every retry period, renew (as leader) or read
/// the Lease and acquire it when it is free or expired. ``release()`` on shutdown hands the Lease
/// over at once.
public actor LeaderElector {
    public let client: KubeAPIClient
    public let configuration: LeaderElectionConfiguration
    private let leadershipChanged: @Sendable (Bool) async -> Void
    private let random: @Sendable () -> Double
    private let logger: Logger
    private var machine: LeaderElectionStateMachine
    private var reportedError: String?

    public init(
        client: KubeAPIClient, configuration: LeaderElectionConfiguration,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        logger: Logger, leadershipChanged: @escaping @Sendable (Bool) async -> Void
    ) {
        self.client = client
        self.configuration = configuration
        self.machine = LeaderElectionStateMachine(configuration: configuration)
        self.random = random
        self.leadershipChanged = leadershipChanged
        var logger = logger
        logger[metadataKey: "lease"] = "\(configuration.leaseNamespace)/\(configuration.leaseName)"
        logger[metadataKey: "identity"] = "\(configuration.identity)"
        self.logger = logger
    }

    public var isLeader: Bool { machine.isLeader }

    private var leasePath: KubeResourcePath {
        KubeResourcePath.leases.namespace(configuration.leaseNamespace).named(configuration.leaseName)
    }

    /// Runs until cancelled.
    public func run() async {
        while !Task.isCancelled {
            await attempt()
            // Candidates spread their attempts (client-go's jitter factor 1.2); the leader renews on time.
            let period =
                machine.isLeader
                ? configuration.retryPeriod : .seconds(configuration.retryPeriod.seconds * (1 + 0.2 * random()))
            do { try await Task.sleep(for: period) } catch { return }
        }
    }

    /// One acquire-or-renew round.
    func attempt() async {
        if let renewal = machine.renewal(wallClock: Date()), await write(renewal) { return }
        let lease: Lease?
        do {
            lease = try await client.get(leasePath, as: Lease.self)
        } catch KubeAPIError.notFound {
            lease = nil
        } catch {
            report(error)
            await notify(machine.writeFailed(now: .now))
            return
        }
        let (decision, change) = machine.observed(lease, now: .now, wallClock: Date())
        await notify(change)
        if case .standBy = decision { return }
        _ = await write(decision)
    }

    /// Hands the Lease over if we hold it: empty holder, so the next candidate acquires at once.
    public func release() async {
        guard let (spec, resourceVersion) = machine.release(wallClock: Date()) else { return }
        let lease = Lease(
            metadata: ObjectMeta(
                name: configuration.leaseName, namespace: configuration.leaseNamespace,
                resourceVersion: resourceVersion),
            spec: spec)
        do {
            _ = try await client.update(leasePath, lease)
            logger.notice("released leadership")
        } catch {
            logger.warning("releasing the Lease failed; another replica takes over when it expires", metadata: ["error": "\(error)"])
        }
        await leadershipChanged(false)
    }

    private func write(_ decision: LeaderElectionStateMachine.Decision) async -> Bool {
        do {
            let stored: Lease
            switch decision {
            case .create(let spec):
                let lease = Lease(
                    metadata: ObjectMeta(name: configuration.leaseName, namespace: configuration.leaseNamespace),
                    spec: spec)
                stored = try await client.create(KubeResourcePath.leases.namespace(configuration.leaseNamespace), lease)
            case .update(let spec, let resourceVersion):
                let lease = Lease(
                    metadata: ObjectMeta(
                        name: configuration.leaseName, namespace: configuration.leaseNamespace,
                        resourceVersion: resourceVersion),
                    spec: spec)
                stored = try await client.update(leasePath, lease)
            case .standBy:
                return false
            }
            reportedError = nil
            await notify(machine.written(stored, now: .now))
            return true
        } catch KubeAPIError.conflict {
            await notify(machine.writeFailed(now: .now))
            return false
        } catch {
            report(error)
            await notify(machine.writeFailed(now: .now))
            return false
        }
    }

    private func notify(_ change: LeaderElectionStateMachine.LeadershipChange?) async {
        switch change {
        case .acquired:
            logger.notice("became leader: writing Ingress status and Events")
            await leadershipChanged(true)
        case .lost:
            logger.notice("lost leadership: no longer writing Ingress status or Events")
            await leadershipChanged(false)
        case nil:
            break
        }
    }

    private func report(_ error: any Error) {
        let text: String
        if case KubeAPIError.forbidden(let verb, _, let message) = error {
            text =
                "forbidden: cannot \(verb ?? "update") leases.coordination.k8s.io in namespace \"\(configuration.leaseNamespace)\" — the Role needs get, create and update on leases (server said: \(message))"
        } else {
            text = "leader election: \(error)"
        }
        guard text != reportedError else { return }
        reportedError = text
        logger.error("\(text)")
    }
}
