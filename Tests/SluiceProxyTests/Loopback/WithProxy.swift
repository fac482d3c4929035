import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SluiceProxy
import SluiceRouting
import SluiceTestSupport

/// Runs a proxy serving `table` for the length of `body`, and stops it before returning or
/// rethrowing. It logs to `logger` (default: critical messages only, to nowhere in particular).
///
/// The proxy is what `sluice` runs: a `ProxyService` (one `SO_REUSEPORT` listening socket per
/// event loop, `SynchronousAcceptHandler`) whose child initializer is
/// `ProxyDataPlane.configureSynchronously`, and its HTTPS listener (`TLSTermination`), on `group` (the shared one unless a test needs its
/// own number of loops), bound to 127.0.0.1 and port 0. The initializer also records each
/// accepted connection, for ``ProxyUnderTest/quiesce()``.
///
/// Teardown cancels the service's task (it stops accepting and closes every connection, then runs
/// the same `onDrained` as `sluice`: idle upstream connections closed, access log flushed) and
/// waits for it to return; a service that fails, or takes longer than `withTimeout`'s limit to
/// stop, fails the test (see ``withTeardown(isolation:_:teardown:)``).
@discardableResult
func withProxy<T>(
    _ table: RoutingTable,
    configuration: ProxyConfiguration = ProxyConfiguration(),
    group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
    logger: Logger? = nil,
    isolation: isolated (any Actor)? = #isolation,
    _ body: (ProxyUnderTest) async throws -> T
) async throws -> T {
    let logger = logger ?? {
        var quiet = Logger(label: "test.proxy")
        quiet.logLevel = .critical
        return quiet
    }()
    let store = RoutingTableStore(initial: table, replicasFor: group)
    let dataPlane = ProxyDataPlane(store: store, configuration: configuration, eventLoopGroup: group, logger: logger)
    let accepted = NIOLockedValueBox<[any Channel]>([])
    let tls = try TLSTermination(dataPlane: dataPlane)
    let service = ProxyService(
        configuration: ProxyServiceConfiguration(host: "127.0.0.1", port: 0),
        group: group,
        readiness: ReadinessState(),
        logger: logger,
        onDrained: {
            dataPlane.closeIdleUpstreamConnections()
            await dataPlane.flushAccessLogForShutdown()
        },
        childChannelInitializer: { channel in
            accepted.withLockedValue { $0.append(channel) }
            try dataPlane.configureSynchronously(channel: channel)
        },
        additionalListeners: [
            ProxyListenerSpec(name: "https", port: 0) { channel in try tls.configureSynchronously(channel: channel) }
        ]
    )
    let run = Task { try await service.run() }
    return try await withTeardown {
        let port = try await withTimeout { try await service.port }
        let httpsPort = try await withTimeout { try await service.port(of: "https") }
        return try await body(
            ProxyUnderTest(store: store, dataPlane: dataPlane, port: port, httpsPort: httpsPort, accepted: accepted))
    } teardown: {
        run.cancel()
        try await withTimeout { try await run.value }
    }
}

/// ``withUpstream(_:isolation:_:)`` and ``withProxy(_:configuration:group:isolation:_:)`` in one:
/// an upstream with `behaviour`, behind a proxy whose table has one route (`host`, `path` prefix,
/// `policy`) to it. The proxy stops first, then the upstream.
@discardableResult
func withProxy<T>(
    upstream behaviour: UpstreamBehaviour,
    host: String? = "example.com",
    path: String = "/",
    policy: RoutePolicy = .default,
    configuration: ProxyConfiguration = ProxyConfiguration(),
    isolation: isolated (any Actor)? = #isolation,
    _ body: (ProxyUnderTest, UpstreamServer) async throws -> T
) async throws -> T {
    try await withUpstream(behaviour) { upstream in
        let routes = table(host: host, path: path, endpoints: [.local(upstream)], policy: policy)
        return try await withProxy(routes, configuration: configuration) { proxy in
            try await body(proxy, upstream)
        }
    }
}
