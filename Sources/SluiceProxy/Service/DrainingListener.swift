#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServiceLifecycle

/// A TCP listener that serves until graceful shutdown and then drains: the engine shared by
/// ``ProxyService`` and ``AdminServer``.
///
/// Shutdown goes: `onDrainStart` (the proxy turns readiness off there), keep accepting for the
/// shutdown delay, stop accepting (connections receive `ChannelShouldQuiesceEvent`), wait up to
/// the grace period for in-flight connections to finish, force-close the rest, `onDrained`, return.
/// Cancelling the task skips the delay and the grace period.
final class DrainingListener: Sendable {
    let name: String
    private let configuration: ProxyServiceConfiguration
    private let group: any EventLoopGroup
    private let logger: Logger
    private let onListening: @Sendable () -> Void
    private let onDrainStart: @Sendable () -> Void
    private let onDrained: @Sendable () async -> Void
    private let childChannelInitializer: SynchronousAcceptHandler.Initializer
    private let connectionCap: ConnectionCap?
    private let state = NIOLockedValueBox(ProxyServiceState())
    private let connections = OpenConnections()
    private let boundAddress: EventLoopPromise<SocketAddress>
    /// Set once the sockets were told to close (after the shutdown delay, or on cancellation).
    private let acceptingStopped = NIOLockedValueBox(false)

    /// - Parameters:
    ///   - name: names this listener in log messages ("proxy", "admin").
    ///   - onListening: called once every listening socket is bound.
    ///   - onDrained: awaited once every connection has closed, before `run()` returns.
    init(
        name: String,
        configuration: ProxyServiceConfiguration,
        group: any EventLoopGroup,
        logger: Logger,
        onListening: @escaping @Sendable () -> Void,
        onDrainStart: @escaping @Sendable () -> Void,
        onDrained: @escaping @Sendable () async -> Void = {},
        connectionCap: ConnectionCap? = nil,
        childChannelInitializer: @escaping SynchronousAcceptHandler.Initializer
    ) {
        self.name = name
        self.configuration = configuration
        self.group = group
        self.logger = logger
        self.onListening = onListening
        self.onDrainStart = onDrainStart
        self.onDrained = onDrained
        self.childChannelInitializer = childChannelInitializer
        self.connectionCap = connectionCap
        self.boundAddress = group.next().makePromise(of: SocketAddress.self)
    }

    deinit {
        boundAddress.fail(ProxyServiceError.neverStarted)
    }

    var localAddress: SocketAddress {
        get async throws { try await boundAddress.futureResult.get() }
    }

    var port: Int {
        get async throws {
            guard let port = try await localAddress.port else { throw ProxyServiceError.noPort }
            return port
        }
    }

    var openConnectionCount: Int { connections.count }

    func run() async throws {
        guard case .bind = state.withLockedValue({ $0.runCalled() }) else {
            throw ProxyServiceError.alreadyStarted
        }
        let listener: ProxyListener
        do {
            listener = try await bind()
        } catch {
            state.withLockedValue { $0.bindFailed() }
            boundAddress.fail(error)
            logger.error("\(name) listener failed to bind", metadata: [
                "host": "\(configuration.host)", "port": "\(configuration.port)", "error": "\(error)",
            ])
            throw error
        }
        state.withLockedValue { $0.bound(listener) }
        if let address = listener.serverChannel.localAddress {
            boundAddress.succeed(address)
            logger.info("\(name) listening", metadata: ["address": "\(address)"])
            onListening()
        } else {
            boundAddress.fail(ProxyServiceError.noPort)
        }

        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await serve(listener)
            } onGracefulShutdown: {
                self.startDraining(reason: "graceful shutdown", delay: self.configuration.shutdownDelay)
            }
        } onCancel: {
            self.startDraining(reason: "task cancelled", delay: .zero)
            self.stopAccepting(listener, reason: "task cancelled")
            _ = self.connections.closeAll(on: listener.serverChannel.eventLoop)
        }
    }

    /// Binds one listening socket per event loop (`SO_REUSEPORT`), each accepting onto its own
    /// loop: a new connection is served by the thread the kernel woke for it, with no hand-off to
    /// another thread before its first byte is read.
    private func bind() async throws -> ProxyListener {
        let loops = Array(group.makeIterator())
        if loops.count > 1 { try PortProbe.ensureFree(host: configuration.host, port: configuration.port) }
        var sockets: [any Channel] = []
        var port = configuration.port
        do {
            for loop in loops {
                let socket = try await bind(on: loop, port: port, reusePort: loops.count > 1)
                if port == 0, let bound = socket.localAddress?.port { port = bound }
                sockets.append(socket)
            }
        } catch {
            for socket in sockets { try? await socket.close() }
            throw error
        }
        return ProxyListener(
            sockets: sockets, connections: connections, drained: sockets[0].eventLoop.makePromise(of: Void.self))
    }

    private func bind(on loop: any EventLoop, port: Int, reusePort: Bool) async throws -> any Channel {
        let connections = self.connections
        let configure = self.childChannelInitializer
        let cap = self.connectionCap
        let initializer: SynchronousAcceptHandler.Initializer = { channel in
            if let cap, !cap.admit(channel) { throw ProxyServiceError.overConnectionCap }
            guard connections.insert(channel) else { throw ProxyServiceError.notAccepting }
            try configure(channel)
        }
        let onAcceptPause = Self.logAcceptPause(name: name, logger: logger)
        // TCP_NODELAY: ServerBootstrap sets it on the listening socket and Linux hands it down to
        // every accepted one (`.socketOption(.tcp_nodelay)` would set SO_DEBUG instead).
        // One accept per wake-up (nginx's `multi_accept off`): with level-triggered epoll a
        // backlog is still drained, one connection per loop tick, and an idle listener does not
        // pay a second `accept4` that only returns EAGAIN for every connection.
        // Accepted connections are set up by `SynchronousAcceptHandler`, without the futures of
        // `ServerBootstrap`'s accept path; the bootstrap's child initializer only serves a child
        // on another loop, which this listener never has.
        return try await ServerBootstrap(group: loop, childGroup: loop)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.socketOption(.reusePort), value: reusePort ? 1 : 0)
            .serverChannelOption(.backlog, value: configuration.backlog)
            .serverChannelOption(.maxMessagesPerRead, value: 1)
            .serverChannelInitializer { server in
                server.eventLoop.makeCompletedFuture {
                    try server.pipeline.syncOperations.addHandler(
                        AcceptPauseHandler(pause: Self.acceptPause, onPause: onAcceptPause))
                    try server.pipeline.syncOperations.addHandler(SynchronousAcceptHandler(initializer: initializer))
                }
            }
            .childChannelInitializer { channel in
                channel.eventLoop.submit { try initializer(channel) }
            }
            .bind(host: configuration.host, port: port)
            .get()
    }

    /// How long a listening socket stops accepting after `accept4` failed (`AcceptPauseHandler`):
    /// nginx's 500 ms. Each pause is logged: at most two lines a second per event loop.
    static let acceptPause = TimeAmount.milliseconds(500)

    private static func logAcceptPause(name: String, logger: Logger) -> @Sendable (IOError) -> Void {
        { error in
            var metadata: Logger.Metadata = ["error": "\(error)"]
            if error.errnoCode == EMFILE || error.errnoCode == ENFILE {
                metadata["hint"] = "out of file descriptors: raise the open-file limit (ulimit -n), or run more replicas"
            }
            logger.warning("\(name) listener: accept failed; not accepting for \(acceptPause.nanoseconds / 1_000_000) ms", metadata: metadata)
        }
    }

    /// Waits for the listener to close (draining began, or it failed), then drains.
    private func serve(_ listener: ProxyListener) async throws {
        try? await listener.firstClosed.get()
        let closedByShutdown = state.withLockedValue { $0.isDraining }
        if !closedByShutdown {
            logger.error("\(name) listener closed unexpectedly; closing connections")
            startDraining(reason: "listener closed", delay: .zero)
        }
        let outcome = try await waitForDrain(listener)
        let stillOpen = connections.count
        switch outcome {
        case .drained where stillOpen == 0:
            logger.info("\(name) drained: all connections finished within the grace period")
        default:
            logger.notice("\(name) force-closing connections", metadata: [
                "open": "\(stillOpen)",
                "reason": "\(outcome == .gracePeriodExpired ? "grace period expired" : "listener closed")",
            ])
            let closed = try await connections.closeAll(on: listener.serverChannel.eventLoop).get()
            logger.notice("\(name) force-closed connections", metadata: ["closed": "\(closed)"])
        }
        await onDrained()
        state.withLockedValue { $0.stopped() }
        logger.info("\(name) stopped")
        if !closedByShutdown { throw ProxyServiceError.listenerClosedUnexpectedly }
    }

    private enum DrainOutcome: Sendable { case drained, gracePeriodExpired, listenerFailed }

    private func waitForDrain(_ listener: ProxyListener) async throws -> DrainOutcome {
        let eventLoop = listener.serverChannel.eventLoop
        let outcome = eventLoop.makePromise(of: DrainOutcome.self)
        let deadline = eventLoop.scheduleTask(in: TimeAmount(configuration.shutdownGracePeriod)) {
            outcome.succeed(.gracePeriodExpired)
        }
        listener.drained.futureResult.whenComplete { result in
            deadline.cancel()
            switch result {
            case .success: outcome.succeed(.drained)
            case .failure: outcome.succeed(.listenerFailed)
            }
        }
        return try await outcome.futureResult.get()
    }

    /// Readiness off first; after `delay`, stop accepting and ask open connections to finish up.
    private func startDraining(reason: String, delay: Duration) {
        guard case .startDraining(let listener) = state.withLockedValue({ $0.shutdownRequested() }) else { return }
        onDrainStart()
        guard delay > .zero else {
            stopAccepting(listener, reason: reason)
            return
        }
        logger.info("\(name) not ready; still accepting until the shutdown delay ends", metadata: [
            "reason": "\(reason)",
            "open": "\(connections.count)",
            "shutdownDelay": "\(delay)",
        ])
        listener.serverChannel.eventLoop.scheduleTask(in: TimeAmount(delay)) {
            self.stopAccepting(listener, reason: "shutdown delay over")
        }
    }

    /// Closes the listening sockets and quiesces the connections, once.
    private func stopAccepting(_ listener: ProxyListener, reason: String) {
        let first = acceptingStopped.withLockedValue { stopped in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        logger.info("\(name) draining: no longer accepting", metadata: [
            "reason": "\(reason)",
            "open": "\(connections.count)",
            "gracePeriod": "\(configuration.shutdownGracePeriod)",
        ])
        listener.initiateShutdown()
    }
}

extension NIOBSDSocket.Option {
    /// `SO_REUSEPORT`: several sockets listen on one port; the kernel spreads connections.
    fileprivate static let reusePort = NIOBSDSocket.Option(rawValue: SO_REUSEPORT)
}
