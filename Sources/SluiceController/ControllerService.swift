import KubeClient
import KubeModels
import Logging
import ServiceLifecycle
import SluiceRouting

/// The controller as one `Service`: reflectors fill the cache, the reconcile loop publishes
/// tables from it, the Secret fetcher reads Secrets that became referenced, and the elected leader writes Ingress status and Events. Every replica
/// serves traffic. On graceful shutdown it stops watching and hands the Lease over.
public final class ControllerService: ServiceLifecycle.Service, Sendable {
    public let client: KubeAPIClient
    public let configuration: ControllerConfiguration
    /// The controller's view of the cluster (exposed for tests and diagnostics).
    public let cache: ObjectCache
    public let elector: LeaderElector?
    /// What the controller counts, for `/metrics` (``ControllerMetrics/prometheusText()``).
    public let metrics: ControllerMetrics
    private let reflectors: [ReflectorPlan]
    private let duties: LeaderDuties
    private let publish: @Sendable (RoutingTable, Duration) -> Void
    private let markReady: @Sendable () -> Void
    private let logger: Logger

    /// `publish` makes a table live (``RoutingTableStore/publish``); `markReady` is called once
    /// every reflector has synced and the first table is live. `metrics` is the one `client`
    /// reports failed requests to, if any.
    public init(
        client: KubeAPIClient, configuration: ControllerConfiguration,
        publish: @escaping @Sendable (RoutingTable, Duration) -> Void,
        markReady: @escaping @Sendable () -> Void, metrics: ControllerMetrics = ControllerMetrics(), logger: Logger
    ) {
        self.client = client
        self.configuration = configuration
        self.publish = publish
        self.markReady = markReady
        self.logger = logger
        self.reflectors = ReflectorPlan.all(for: configuration)
        self.metrics = metrics
        metrics.leadershipChanged(configuration.election == nil)
        metrics.reflectorsPlanned(reflectors.map(\.name))
        self.cache = ObjectCache(reflectors: Set(reflectors.map(\.name)), metrics: metrics)
        let duties = LeaderDuties(
            statusWriter: StatusWriter(client: client, source: configuration.statusAddresses, logger: logger),
            eventRecorder: EventRecorder(
                client: client, repeatInterval: configuration.eventRepeatInterval, logger: logger),
            isLeader: configuration.election == nil, retryBackoff: configuration.writeRetryBackoff,
            random: configuration.reflector.random)
        self.duties = duties
        self.elector = configuration.election.map { election in
            LeaderElector(
                client: client, configuration: election, random: configuration.reflector.random, logger: logger,
                leadershipChanged: { isLeader in
                    metrics.leadershipChanged(isLeader)
                    await duties.leadershipChanged(isLeader)
                })
        }
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown { [self] in await runUntilCancelled() }
        await elector?.release()
    }

    /// Runs every part until the task is cancelled.
    public func runUntilCancelled() async {
        let duties = self.duties
        let reconcile = ReconcileLoop(
            cache: cache, options: configuration.translation, holdOff: configuration.holdOff, publish: publish,
            markReady: markReady, rebuilt: { await duties.reconciled($0) }, logger: logger)
        let fetcher = SecretFetcher(client: client, cache: cache, configuration: configuration.reflector, logger: logger)
        await withDiscardingTaskGroup { group in
            addReflectors(to: &group)
            group.addTask { await reconcile.run() }
            group.addTask { await fetcher.run() }
            group.addTask { await duties.run() }
            if let elector { group.addTask { await elector.run() } }
        }
    }

    private func addReflectors(to group: inout DiscardingTaskGroup) {
        for plan in reflectors {
            let run = plan.reflector(client: client, cache: cache, configuration: configuration.reflector, logger: logger)
            group.addTask { await run() }
        }
    }
}
