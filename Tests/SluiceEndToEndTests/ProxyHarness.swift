import Logging
import NIOCore
import NIOPosix
import SluiceController
import SluiceIngress
import SluiceProxy
import SluiceRouting
import SluiceTestSupport

/// The real data plane as `sluice` runs it, on 127.0.0.1: a routing table store and a
/// `ProxyService` with its plain and HTTPS listeners (ports 0), and the readiness flag the
/// controller sets.
struct ProxyHarness {
    let store: RoutingTableStore
    let readiness: ReadinessState
    let port: Int
    let httpsPort: Int
    private let run: Task<Void, any Error>

    static func start(configuration: ProxyConfiguration = ProxyConfiguration()) async throws -> ProxyHarness {
        let group = MultiThreadedEventLoopGroup.singleton
        var logger = Logger(label: "test.proxy")
        logger.logLevel = .error
        let store = RoutingTableStore(replicasFor: group, logger: logger)
        let dataPlane = ProxyDataPlane(store: store, configuration: configuration, eventLoopGroup: group, logger: logger)
        let tls = try TLSTermination(dataPlane: dataPlane)
        let readiness = ReadinessState()
        let service = ProxyService(
            configuration: ProxyServiceConfiguration(host: "127.0.0.1", port: 0), group: group, readiness: readiness,
            logger: logger,
            onDrained: { dataPlane.closeIdleUpstreamConnections() },
            childChannelInitializer: { try dataPlane.configureSynchronously(channel: $0) },
            additionalListeners: [
                ProxyListenerSpec(name: "https", port: 0) { try tls.configureSynchronously(channel: $0) }
            ])
        let run = Task { try await service.run() }
        return ProxyHarness(
            store: store, readiness: readiness, port: try await service.port, httpsPort: try await service.port(of: "https"),
            run: run)
    }

    func connect() async throws -> TestClient {
        try await TestClient.connect(port: port)
    }

    /// Waits until a table newer than `generation` satisfying `condition` is live; returns its generation.
    @discardableResult
    func waitForTable(
        newerThan generation: UInt64 = 0, timeout: Duration = .seconds(20), _ condition: (RoutingTable) -> Bool
    ) async throws -> UInt64 {
        let deadline = ContinuousClock.now + timeout
        while true {
            let published = store.snapshot
            if published.generation > generation && condition(published.table) { return published.generation }
            guard ContinuousClock.now < deadline else { throw HarnessTimeout(what: "routing table after generation \(generation)") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Runs a `ControllerService` against `kube` that publishes into this proxy (a short
    /// hold-off, so changes are live quickly) until the returned task is cancelled.
    func runController(
        on kube: FakeKubeAPIServer, translation: TranslationOptions = TranslationOptions(), logLevel: Logger.Level = .warning
    ) -> Task<Void, Never> {
        var logger = Logger(label: "test.controller")
        logger.logLevel = logLevel
        let store = self.store
        let readiness = self.readiness
        let controller = ControllerService(
            client: ClusterObjectsForTests.client(kube),
            configuration: ControllerConfiguration(
                translation: translation,
                holdOff: HoldOffScheduler(minimum: .milliseconds(20), maximum: .milliseconds(200))),
            publish: { table, duration in store.publish(table, translationDuration: duration) },
            markReady: { readiness.markRoutingTableLoaded() }, logger: logger)
        return Task { await controller.runUntilCancelled() }
    }

    func stop() async {
        run.cancel()
        _ = try? await run.value
    }
}

struct HarnessTimeout: Error, CustomStringConvertible {
    var what: String
    var description: String { "timed out waiting for \(what)" }
}

/// `GET path` for `host`.
func get(_ path: String, host: String = "shop.example.com") -> String {
    "GET \(path) HTTP/1.1\r\nHost: \(host)\r\n\r\n"
}
