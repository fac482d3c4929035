import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// The admin HTTP/1.1 listener (a swift-service-lifecycle `Service`):
///
/// - `GET /healthz` → 200 `ok` while the process runs;
/// - `GET /readyz` → 200 when ``ReadinessState`` is ready, else 503 with the reason;
/// - `GET /metrics` → Prometheus text: the routing table's gauges (``RoutingGauges``: generation,
///   routes, last swap, translation durations) and `sluice_ready`, then whatever the registered
///   metrics sources return (the proxy's, and in controller mode the controller's);
/// - anything else → 404.
///
/// List it before ``ProxyService`` in the `ServiceGroup` so it stops last.
public final class AdminServer: Service, Sendable {
    private let listener: DrainingListener
    private let metricsSources: NIOLockedValueBox<[@Sendable () -> String]>

    /// - Parameter metricsSources: each returns complete Prometheus text (with `# HELP`/`# TYPE`
    ///   lines and a trailing newline) appended to `/metrics`; called on every scrape.
    public init(
        host: String = "0.0.0.0",
        port: Int,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        readiness: ReadinessState,
        routingTables: RoutingTableStore,
        metricsSources: [@Sendable () -> String] = [],
        shutdownGracePeriod: Duration = .seconds(5),
        logger: Logger = Logger(label: "sluice.admin")
    ) {
        let sources = NIOLockedValueBox(metricsSources)
        let endpoints = AdminEndpoints(readiness: readiness, routingTables: routingTables, metricsSources: sources)
        self.metricsSources = sources
        self.listener = DrainingListener(
            name: "admin",
            configuration: ProxyServiceConfiguration(
                host: host,
                port: port,
                backlog: 128,
                shutdownGracePeriod: shutdownGracePeriod
            ),
            group: group,
            logger: logger,
            onListening: {},
            onDrainStart: {},
            childChannelInitializer: { channel in
                let pipeline = channel.pipeline.syncOperations
                try pipeline.configureHTTPServerPipeline(withErrorHandling: true)
                try pipeline.addHandler(AdminServerHandler(endpoints: endpoints))
            }
        )
    }

    /// Adds a source of Prometheus text to `/metrics` (see `init`'s `metricsSources`).
    public func addMetricsSource(_ source: @escaping @Sendable () -> String) {
        metricsSources.withLockedValue { $0.append(source) }
    }

    /// The bound address, once `run()` has bound it (waits until then).
    public var localAddress: SocketAddress {
        get async throws { try await listener.localAddress }
    }

    /// The bound port (waits for `run()` to bind).
    public var port: Int {
        get async throws { try await listener.port }
    }

    public func run() async throws {
        try await listener.run()
    }
}
