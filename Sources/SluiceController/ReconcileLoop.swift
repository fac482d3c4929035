import Logging
import SluiceIngress
import SluiceRouting

/// One rebuild: the objects it read and what translation made of them.
public struct ReconcileOutcome: Sendable {
    public var objects: ClusterObjects
    public var result: TranslationResult
    /// The Ingresses written since the previous outcome, status-only writes included; nil:
    /// unknown (every Ingress may have changed).
    public var ingressesWritten: Set<String>?

    public init(objects: ClusterObjects, result: TranslationResult, ingressesWritten: Set<String>? = nil) {
        self.objects = objects
        self.result = result
        self.ingressesWritten = ingressesWritten
    }
}

/// Rebuilds the whole routing table from the cache whenever something translation reads changed
/// (level-triggered: the events' contents are never looked at), after a hold-off that coalesces
/// bursts, and publishes it. A status-only change rebuilds nothing: the status writer gets the
/// fresh objects with the last translation. Nothing is built before every reflector has synced; readiness follows the first publish.
/// After each rebuild the cache learns which Secrets translation read: it keeps only their data,
/// and asks for the ones it must fetch (``ObjectCache/reference(_:)``).
public struct ReconcileLoop: Sendable {
    public let cache: ObjectCache
    public let holdOff: HoldOffScheduler
    /// Translates, publishes and reports readiness; a copy runs in each ``run()``.
    public let publisher: TablePublisher
    /// Called after every rebuild (status and Events work from it).
    public let rebuilt: @Sendable (ReconcileOutcome) async -> Void
    public let logger: Logger

    /// `publish` makes a table live (``RoutingTableStore/publish``, with the translation time);
    /// `markReady` is called once, after the first table is live.
    public init(
        cache: ObjectCache, options: TranslationOptions, holdOff: HoldOffScheduler = HoldOffScheduler(),
        publish: @escaping @Sendable (RoutingTable, Duration) -> Void,
        markReady: @escaping @Sendable () -> Void,
        rebuilt: @escaping @Sendable (ReconcileOutcome) async -> Void = { _ in },
        logger: Logger
    ) {
        self.cache = cache
        self.holdOff = holdOff
        self.publisher = TablePublisher(options: options, publish: publish, markReady: markReady, logger: logger)
        self.rebuilt = rebuilt
        self.logger = logger
    }

    public func run() async {
        let clock = ContinuousClock()
        let started = clock.now
        var publisher = self.publisher
        var lastRebuild: ContinuousClock.Instant?
        var lastResult: TranslationResult?
        for await _ in cache.changes {
            guard await cache.hasSynced else { continue }
            guard await holdOffElapsed(clock, lastRebuild: lastRebuild) else { return }
            guard await cache.pending != nil || !publisher.hasPublished else {
                if await cache.statusPending, let lastResult {
                    let (objects, written) = await cache.takeForStatus()
                    await rebuilt(ReconcileOutcome(objects: objects, result: lastResult, ingressesWritten: written))
                }
                continue
            }
            lastRebuild = clock.now
            cache.metrics.reconcileStarted()
            let (objects, changed, written) = await cache.takeForRebuild()
            let result = publisher.publish(objects.inputs(changed: changed)) { result in
                logger.notice(
                    "all reflectors synced and the first routing table is live",
                    metadata: [
                        "sinceStart": "\(clock.now - started)", "ingresses": "\(objects.ingresses.count)",
                        "routes": "\(result.table.routeCount)",
                    ])
            }
            lastResult = result
            cache.metrics.reconciled(result)
            await cache.reference(result.referencedSecrets)
            await rebuilt(ReconcileOutcome(objects: objects, result: result, ingressesWritten: written))
        }
    }

    /// Waits until the hold-off says rebuild; false when cancelled.
    private func holdOffElapsed(_ clock: ContinuousClock, lastRebuild: ContinuousClock.Instant?) async -> Bool {
        while let pending = await cache.pending {
            switch holdOff.decide(
                firstChange: pending.first, lastChange: pending.last, now: clock.now, lastRebuild: lastRebuild)
            {
            case .rebuild:
                return true
            case .wait(let deadline):
                do { try await Task.sleep(until: deadline, clock: clock) } catch { return false }
            }
        }
        return !Task.isCancelled
    }
}
