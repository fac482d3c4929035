import NIOCore

/// The listening sockets of a running ``ProxyService`` (one per event loop) and the connections
/// they accepted.
struct ProxyListener: Sendable {
    let sockets: [any Channel]
    let connections: OpenConnections
    /// Succeeds once every connection open when draining started has closed.
    let drained: EventLoopPromise<Void>

    /// The first socket: its address is the listener's, its loop runs the drain bookkeeping.
    var serverChannel: any Channel { sockets[0] }

    /// Completes when any of the sockets closed (draining began, or one failed).
    var firstClosed: EventLoopFuture<Void> {
        let promise = serverChannel.eventLoop.makePromise(of: Void.self)
        for socket in sockets {
            socket.closeFuture.whenComplete { _ in promise.succeed(()) }
        }
        return promise.futureResult
    }

    /// Stops accepting on every socket, then asks the connections to finish; `drained`
    /// succeeds once all of them closed.
    ///
    /// A socket accepts and registers its connections on its own loop, so once its close has
    /// completed every connection it accepted is in `connections`: none can miss the request.
    func initiateShutdown() {
        let loop = serverChannel.eventLoop
        let closed = sockets.map { socket in
            socket.close(promise: nil)
            return socket.closeFuture
        }
        EventLoopFuture.andAllComplete(closed, on: loop).whenComplete { [connections, drained] _ in
            connections.quiesceAll(drained: drained)
        }
    }
}

/// The lifecycle of a ``ProxyService`` as a pure value: events in, actions out. The service
/// executes the actions; nothing here does I/O.
struct ProxyServiceState {
    enum State {
        case idle
        case binding
        case listening(ProxyListener)
        case draining(ProxyListener)
        case finished
    }

    private(set) var state: State = .idle

    enum StartAction {
        case bind
        case refuse
    }

    mutating func runCalled() -> StartAction {
        guard case .idle = state else { return .refuse }
        state = .binding
        return .bind
    }

    mutating func bound(_ listener: ProxyListener) {
        guard case .binding = state else { preconditionFailure("bound in state \(state)") }
        state = .listening(listener)
    }

    mutating func bindFailed() {
        state = .finished
    }

    enum ShutdownAction {
        /// First request: readiness off, stop accepting, tell connections to quiesce.
        case startDraining(ProxyListener)
        case none
    }

    mutating func shutdownRequested() -> ShutdownAction {
        guard case .listening(let listener) = state else { return .none }
        state = .draining(listener)
        return .startDraining(listener)
    }

    /// Whether the listener closed because draining began (true) or on its own (false).
    var isDraining: Bool {
        if case .draining = state { return true }
        return false
    }

    mutating func stopped() {
        state = .finished
    }
}
