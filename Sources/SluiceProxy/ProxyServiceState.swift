import NIOCore
import NIOExtras

/// The listening socket of a running ``ProxyService`` and what it needs to drain.
struct ProxyListener: Sendable {
    let serverChannel: any Channel
    let quiesce: ServerQuiescingHelper
    /// Succeeds once every connection open when draining started has closed.
    let drained: EventLoopPromise<Void>
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
