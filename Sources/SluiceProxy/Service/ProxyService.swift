import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// The proxy's TCP listener as a swift-service-lifecycle `Service`.
///
/// `run()` binds, hands every accepted connection to `childChannelInitializer`, and serves until
/// graceful shutdown. Shutdown goes: readiness off *first* (so the Service stops sending
/// traffic), stop accepting (connections receive `ChannelShouldQuiesceEvent`), wait up to
/// ``ProxyServiceConfiguration/shutdownGracePeriod`` for in-flight requests and streams to
/// finish, force-close the rest, run `onDrained`, return. Each phase is logged with connection
/// counts. Cancelling the task skips the grace period.
///
/// Children get `TCP_NODELAY`; their pipelines (and write-buffer water marks) are the
/// `childChannelInitializer`'s job.
///
/// In a `ServiceGroup`, list the ``AdminServer`` *before* the proxy so that it outlives the
/// drain and keeps answering `/readyz` with 503 meanwhile (groups shut down in reverse order).
public final class ProxyService: Service, Sendable {
    private let listener: DrainingListener

    /// - Parameters:
    ///   - readiness: told when the listener is bound (``ReadinessState/markListening()``), and
    ///     turned not-ready as the first step of shutdown.
    ///   - onDrained: awaited once every connection has closed (the data plane's teardown:
    ///     `ProxyDataPlane.flushAccessLogForShutdown()`).
    ///   - childChannelInitializer: sets up each accepted connection's pipeline, synchronously,
    ///     on that connection's event loop, before it is registered (throwing closes it).
    public init(
        configuration: ProxyServiceConfiguration,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        readiness: ReadinessState,
        logger: Logger = Logger(label: "sluice.proxy"),
        onDrained: @escaping @Sendable () async -> Void = {},
        childChannelInitializer: @escaping @Sendable (any Channel) throws -> Void
    ) {
        self.listener = DrainingListener(
            name: "proxy",
            configuration: configuration,
            group: group,
            logger: logger,
            onListening: { readiness.markListening() },
            onDrainStart: { readiness.markNotReady() },
            onDrained: onDrained,
            childChannelInitializer: childChannelInitializer
        )
    }

    /// The address the listener is bound to, once `run()` has bound it (waits until then).
    /// Throws when binding failed.
    public var localAddress: SocketAddress {
        get async throws { try await listener.localAddress }
    }

    /// The bound port (waits for `run()` to bind); the way to learn it when configured with 0.
    public var port: Int {
        get async throws { try await listener.port }
    }

    /// Client connections accepted and not yet closed.
    public var openConnectionCount: Int { listener.openConnectionCount }

    /// Prometheus text for this listener, for ``AdminServer``'s metrics hook.
    public func metricsText() -> String {
        PrometheusExposition.text([
            .init(
                "sluice_open_connections", .gauge, help: "Client connections currently open on the proxy listener.",
                value: openConnectionCount)
        ])
    }

    public func run() async throws {
        try await listener.run()
    }
}

public enum ProxyServiceError: Error, Sendable {
    /// `run()` was called on a service that already ran.
    case alreadyStarted
    /// The service was released without ever binding.
    case neverStarted
    /// The bound address has no port (not an IP socket).
    case noPort
    /// The listening socket closed without a shutdown being requested.
    case listenerClosedUnexpectedly
    /// A connection accepted after the listener stopped accepting (just before its sockets
    /// closed): closed at once, not served.
    case notAccepting
}
