import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import SluiceProxy
import SluiceRouting

/// The data plane as the executable runs it: one routing table store, the proxy listeners (HTTP
/// and HTTPS) and the admin listener, sharing one event loop group and one readiness flag.
struct ProxyRuntime: Sendable {
    let store: RoutingTableStore
    let readiness: ReadinessState
    let dataPlane: ProxyDataPlane
    let proxy: ProxyService
    let admin: AdminServer

    init(options: ProxyOptions, logger: Logger) throws {
        // The group lives as long as the process, like the singleton it replaces when sized.
        let group =
            options.eventLoops == 0
            ? MultiThreadedEventLoopGroup.singleton : MultiThreadedEventLoopGroup(numberOfThreads: options.eventLoops)
        let store = RoutingTableStore(replicasFor: group, logger: logger)
        let readiness = ReadinessState()
        let dataPlane = ProxyDataPlane(
            store: store, configuration: options.proxyConfiguration, eventLoopGroup: group, logger: logger)
        self.store = store
        self.readiness = readiness
        self.dataPlane = dataPlane
        let tls = try TLSTermination(dataPlane: dataPlane)
        logger.info(
            "HTTPS: hosts without a certificate of their own get a generated one",
            metadata: ["sha256": "\(tls.generatedCertificateFingerprint)"])
        self.proxy = ProxyService(
            configuration: ProxyServiceConfiguration(
                host: options.bindAddress,
                port: options.httpPort,
                shutdownGracePeriod: options.shutdownGracePeriod.duration,
                shutdownDelay: options.shutdownDelay.duration,
                maxConnections: options.maxConnections > 0 ? options.maxConnections : nil
            ),
            group: group,
            readiness: readiness,
            logger: logger,
            onDrained: {
                dataPlane.closeIdleUpstreamConnections()
                await dataPlane.flushAccessLogForShutdown()
            },
            childChannelInitializer: { channel in try dataPlane.configureSynchronously(channel: channel) },
            additionalListeners: [
                ProxyListenerSpec(name: "https", port: options.httpsPort) { channel in
                    try tls.configureSynchronously(channel: channel)
                }
            ]
        )
        let proxy = self.proxy
        self.admin = AdminServer(
            host: options.bindAddress,
            port: options.adminPort,
            group: group,
            readiness: readiness,
            routingTables: store,
            metricsSources: [{ proxy.metricsText() }, { dataPlane.metrics.prometheusText() }],
            logger: logger
        )
    }

    /// The services in dependency order; a graceful shutdown stops them in reverse. The proxy is
    /// last so it stops first: readiness turns false at once and in-flight streams drain while
    /// `source` keeps publishing tables (endpoints of other terminating pods still leave the
    /// table during the drain). The admin listener is first so it stops last and answers
    /// `/readyz` with 503 throughout.
    func serviceGroup(source: any Service, extra: [any Service] = [], logger: Logger) -> ServiceGroup {
        let services: [any Service] = [admin, source] + extra + [proxy]
        return ServiceGroup(
            configuration: .init(
                services: services.map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
    }
}
