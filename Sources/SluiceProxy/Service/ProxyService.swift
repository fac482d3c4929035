import Atomics
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import SluiceMetrics

/// The proxy's TCP listeners (plain HTTP, and HTTPS when configured) as one swift-service-lifecycle
/// `Service`.
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
    /// The plain HTTP listener first, then ``ProxyListenerSpec``s (HTTPS).
    private let listeners: [DrainingListener]
    private let onDrained: @Sendable () async -> Void
    /// The `--max-connections` cap all listeners share, when set.
    private let connectionCap: ConnectionCap?

    /// - Parameters:
    ///   - readiness: told when every listener is bound (``ReadinessState/markListening()``),
    ///     and turned not-ready as the first step of shutdown.
    ///   - onDrained: awaited once every connection of every listener has closed (the data
    ///     plane's teardown: `ProxyDataPlane.flushAccessLogForShutdown()`).
    ///   - childChannelInitializer: sets up each connection accepted on `configuration.port`,
    ///     synchronously, on that connection's event loop, before it is registered (throwing
    ///     closes it).
    ///   - additionalListeners: more ports served alike (the HTTPS listener), drained together.
    public init(
        configuration: ProxyServiceConfiguration,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        readiness: ReadinessState,
        logger: Logger = Logger(label: "sluice.proxy"),
        onDrained: @escaping @Sendable () async -> Void = {},
        childChannelInitializer: @escaping @Sendable (any Channel) throws -> Void,
        additionalListeners: [ProxyListenerSpec] = []
    ) {
        let specs = [ProxyListenerSpec(name: "proxy", port: configuration.port, childChannelInitializer: childChannelInitializer)]
            + additionalListeners
        let bound = ManagedAtomic(0)
        let connectionCap = configuration.maxConnections.map { ConnectionCap(limit: $0, logger: logger) }
        self.connectionCap = connectionCap
        self.listeners = specs.map { spec in
            var listenerConfiguration = configuration
            listenerConfiguration.port = spec.port
            return DrainingListener(
                name: spec.name,
                configuration: listenerConfiguration,
                group: group,
                logger: logger,
                onListening: {
                    if bound.wrappingIncrementThenLoad(ordering: .acquiringAndReleasing) == specs.count {
                        readiness.markListening()
                    }
                },
                onDrainStart: { readiness.markNotReady() },
                connectionCap: connectionCap,
                childChannelInitializer: spec.childChannelInitializer
            )
        }
        self.onDrained = onDrained
    }

    /// The address the plain listener is bound to, once `run()` has bound it (waits until then).
    /// Throws when binding failed.
    public var localAddress: SocketAddress {
        get async throws { try await listeners[0].localAddress }
    }

    /// The plain listener's bound port (waits for `run()` to bind); the way to learn it when
    /// configured with 0.
    public var port: Int {
        get async throws { try await listeners[0].port }
    }

    /// The bound port of the listener named `name` (`"proxy"`, or an additional listener's).
    public func port(of name: String) async throws -> Int {
        guard let listener = listeners.first(where: { $0.name == name }) else { throw ProxyServiceError.noPort }
        return try await listener.port
    }

    /// Client connections accepted and not yet closed, on every listener.
    public var openConnectionCount: Int { listeners.reduce(0) { $0 + $1.openConnectionCount } }

    /// Prometheus text for this listener, for ``AdminServer``'s metrics hook.
    public func metricsText() -> String {
        PrometheusExposition.text([
            .init(
                "sluice_open_connections", .gauge, help: "Client connections currently open on the proxy listeners.",
                value: openConnectionCount),
            .init(
                "sluice_client_connections_refused_total", .counter,
                help: "Client connections closed as soon as accepted because --max-connections were open.",
                value: connectionCap?.refused ?? 0),
        ])
    }

    /// Serves every listener until graceful shutdown (or cancellation), they drain together, then
    /// `onDrained` runs. A listener that fails stops the others.
    public func run() async throws {
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for listener in listeners {
                    group.addTask { try await listener.run() }
                }
                try await group.waitForAll()
            }
        } catch {
            await onDrained()
            throw error
        }
        await onDrained()
    }
}

/// One more port ``ProxyService`` listens on (the HTTPS listener): its name in logs, and how its
/// connections are set up.
public struct ProxyListenerSpec: Sendable {
    public var name: String
    public var port: Int
    public var childChannelInitializer: @Sendable (any Channel) throws -> Void

    public init(name: String, port: Int, childChannelInitializer: @escaping @Sendable (any Channel) throws -> Void) {
        self.name = name
        self.port = port
        self.childChannelInitializer = childChannelInitializer
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
    /// A connection accepted while `--max-connections` were open: closed at once, not served.
    case overConnectionCap
}
