import NIOCore
import NIOExtras

/// One listening socket (one per event loop) and the helper that drains its connections.
struct ListeningSocket: Sendable {
    let channel: any Channel
    let quiesce: ServerQuiescingHelper
}

/// The listening sockets of a running ``ProxyService`` and what they need to drain.
struct ProxyListener: Sendable {
    let sockets: [ListeningSocket]
    /// Succeeds once every connection open when draining started has closed.
    let drained: EventLoopPromise<Void>

    /// The first socket: its address is the listener's, its loop runs the drain bookkeeping.
    var serverChannel: any Channel { sockets[0].channel }

    /// Completes when any of the sockets closed (draining began, or one failed).
    var firstClosed: EventLoopFuture<Void> {
        let promise = serverChannel.eventLoop.makePromise(of: Void.self)
        for socket in sockets {
            socket.channel.closeFuture.whenComplete { _ in promise.succeed(()) }
        }
        return promise.futureResult
    }

    /// Stops accepting on every socket and asks their connections to finish; `drained`
    /// succeeds once all of them closed.
    func initiateShutdown() {
        let loop = serverChannel.eventLoop
        let each = sockets.map { socket in
            let promise = loop.makePromise(of: Void.self)
            socket.quiesce.initiateShutdown(promise: promise)
            return promise.futureResult
        }
        EventLoopFuture.andAllSucceed(each, on: loop).cascade(to: drained)
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
