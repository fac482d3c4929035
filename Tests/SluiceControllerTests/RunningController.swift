@testable import KubeClient
import KubeModels
import Logging
import SluiceController
import SluiceProxy
import SluiceRouting
import SluiceTestSupport

/// A ``ControllerService`` running against the fake API server, recording what it publishes.
final class RunningController: Sendable {
    let service: ControllerService
    private let published = LockedValue<(table: RoutingTable, count: Int)>((.empty, 0))
    private let ready = LockedValue(false)
    private let task = LockedValue<Task<Void, Never>?>(nil)

    /// `metrics`: what the controller and its API client count into; `store`: where tables are
    /// also published, with their translation time (the executable's wiring, both).
    init(
        _ server: FakeKubeAPIServer, token: String = FakeKubeAPIServer.defaultToken, configuration: ControllerConfiguration,
        metrics: ControllerMetrics = ControllerMetrics(), store: RoutingTableStore? = nil
    ) {
        var logger = Logger(label: "test.controller")
        logger.logLevel = .warning
        let published = self.published
        let ready = self.ready
        service = ControllerService(
            client: ClusterFixtures.client(server, token: token, requestFailed: { metrics.apiRequestFailed($0) }),
            configuration: configuration,
            publish: { table, duration in
                store?.publish(table, translationDuration: duration)
                published.withLock { $0 = (table, $0.count + 1) }
            },
            markReady: { ready.withLock { $0 = true } }, metrics: metrics, logger: logger)
    }

    var table: RoutingTable { published.withLock { $0.table } }
    var publishCount: Int { published.withLock { $0.count } }
    var isReady: Bool { ready.withLock { $0 } }

    func start() {
        let service = self.service
        task.withLock { $0 = Task { await service.runUntilCancelled() } }
    }

    /// Stops as a graceful shutdown does: stop every loop, then hand the Lease over.
    func stop() async {
        guard let running = task.withLock({ $0 }) else { return }
        running.cancel()
        await running.value
        await service.elector?.release()
    }

    /// Test settings: short hold-off and backoff.
    static func configuration(
        statusAddresses: StatusAddressSource = .none, election: LeaderElectionConfiguration? = nil,
        eventRepeatInterval: Duration = .seconds(600),
        holdOff: HoldOffScheduler = HoldOffScheduler(minimum: .milliseconds(20), maximum: .milliseconds(200))
    ) -> ControllerConfiguration {
        ControllerConfiguration(
            statusAddresses: statusAddresses, election: election,
            reflector: ReflectorConfiguration(backoff: Backoff(initial: .milliseconds(20), maximum: .milliseconds(200))),
            holdOff: holdOff,
            eventRepeatInterval: eventRepeatInterval,
            writeRetryBackoff: Backoff(initial: .milliseconds(20), maximum: .milliseconds(200)))
    }
}
