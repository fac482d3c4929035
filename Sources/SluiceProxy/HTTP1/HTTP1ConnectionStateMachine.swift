import NIOHTTP1

/// The HTTP/1.1 policy of one client connection as a pure value: one exchange at a time (its
/// `ExchangeStateMachine`), the requests pipelined behind it, keep-alive or close after each
/// response, whether a close must linger (the client may still be sending a body), the header and
/// keep-alive timeouts, quiescing and the switch to a tunnel. `ClientConnectionHandler` feeds it
/// events and performs every action it returns; it does no I/O, and nothing outside sets its
/// state.
struct HTTP1ConnectionStateMachine {
    enum State: Equatable, Sendable {
        /// Waiting for a request head (a new connection, or keep-alive between requests).
        case idle
        /// A request is being proxied.
        case exchange(ExchangeStateMachine)
        /// The connection upgraded and is now a byte tunnel; HTTP events no longer arrive.
        case tunnel
        case closed
    }

    /// What follows a response.
    enum AfterResponse: Equatable, Sendable {
        case awaitNextRequest
        case close
        /// Close, reading and dropping what the client still sends meanwhile: it may be in the
        /// middle of a body (`LingeringClose`).
        case closeLingering
    }

    enum Action: Equatable, Sendable {
        case none
        /// Write this error response (answering a request of `answering`'s method, nil for
        /// none), then what `then` says.
        case writeError(ProxyErrorResponse, answering: HTTPMethod?, then: AfterResponse)
        /// The exchange is over: write the response's end, then what `then` says.
        case finishExchange(then: AfterResponse)
        /// Close the client connection now, without a response's end; `lingering` as
        /// `AfterResponse.closeLingering`.
        case closeClient(lingering: Bool)
    }

    /// What to do with a request head from the client.
    enum HeadAction: Equatable, Sendable {
        /// Route the request and start an upstream attempt.
        case startExchange
        /// Kept for a later exchange (``takeQueued()``); the client is not read meanwhile.
        case queued
        /// Dropped: the connection is a tunnel or closed.
        case discard
    }

    /// What to do with a part of a request's body, or its end.
    enum PartAction: Equatable, Sendable {
        /// Forward it upstream (or hold it until the upstream is ready).
        case forward
        /// Kept for a later exchange (``takeQueued()``).
        case queued
        /// Dropped: the body of a request already answered, or a part after the connection ended.
        case discard
        case perform(Action)
    }

    private(set) var state: State = .idle
    private(set) var quiescing = false
    /// Parts of requests pipelined behind the current exchange, oldest first.
    private var queued: [HTTPServerRequestPart] = []

    var isIdle: Bool { state == .idle }

    var exchange: ExchangeStateMachine? {
        if case .exchange(let exchange) = state { return exchange }
        return nil
    }

    /// The request's body is still arriving (the request-body clock runs).
    var awaitsRequestBody: Bool {
        exchange.map { !$0.requestComplete } ?? false
    }

    /// The rest of the request's body is forwarded upstream (so reading the client waits for the
    /// upstream to take it); false once it is complete or refused.
    var forwardsRequestBody: Bool {
        exchange.map { !$0.requestComplete && !$0.bodyRefused } ?? false
    }

    /// Requests are queued behind the current exchange.
    var hasQueuedRequests: Bool { !queued.isEmpty }

    // MARK: Request parts

    mutating func requestHeadReceived(_ head: HTTPRequestHead) -> HeadAction {
        switch state {
        case .idle:
            state = .exchange(ExchangeStateMachine(method: head.method, closeAfter: !head.isKeepAlive || quiescing))
            return .startExchange
        case .exchange:
            queued.append(.head(head))
            return .queued
        case .tunnel, .closed:
            return .discard
        }
    }

    mutating func requestBodyReceived(_ part: HTTPServerRequestPart) -> PartAction {
        guard case .exchange(var exchange) = state else { return .discard }
        if exchange.requestComplete {
            queued.append(part)
            return .queued
        }
        let action = exchange.requestBodyReceived()
        state = .exchange(exchange)
        return action == .forward ? .forward : .discard
    }

    mutating func requestEndReceived(_ part: HTTPServerRequestPart) -> PartAction {
        guard case .exchange(var exchange) = state else { return .discard }
        if exchange.requestComplete {
            queued.append(part)
            return .queued
        }
        switch exchange.requestEndReceived() {
        case .forward:
            state = .exchange(exchange)
            return .forward
        case .discard:
            state = .exchange(exchange)
            return .discard
        case .writeError(let error, let close):
            state = close ? .closed : .idle
            return .perform(.writeError(error, answering: exchange.method, then: close ? .close : .awaitNextRequest))
        }
    }

    /// The parts queued behind the exchange that just ended, to be handled again in order.
    mutating func takeQueued() -> [HTTPServerRequestPart] {
        defer { queued.removeAll() }
        return queued
    }

    // MARK: Response

    /// The response head is about to be written: returns whether it must say `Connection: close`
    /// (see `ExchangeStateMachine.responseHeadReceived(status:mustClose:)`).
    mutating func responseHeadReceived(status: UInt, mustClose: Bool) -> Bool {
        guard case .exchange(var exchange) = state else { return true }
        let close = exchange.responseHeadReceived(status: status, mustClose: mustClose || quiescing)
        state = .exchange(exchange)
        return close
    }

    mutating func responseEndReceived() -> Action {
        guard case .exchange(var exchange) = state else { return .none }
        let lingering = !exchange.requestComplete
        let close = exchange.responseEnded()
        state = close ? .closed : .idle
        return .finishExchange(then: close ? (lingering ? .closeLingering : .close) : .awaitNextRequest)
    }

    /// The response switched protocols: the connection becomes a tunnel.
    mutating func upgraded() {
        state = .tunnel
    }

    // MARK: Failures and timeouts

    /// The exchange failed before or while its response was written (see
    /// `ExchangeStateMachine.failed(_:requestHasNoBody:)`). With no exchange in progress (a
    /// request head the decoder refused), the error answers no request and the connection closes.
    mutating func exchangeFailed(_ error: ProxyErrorResponse, requestHasNoBody: Bool = false) -> Action {
        guard case .exchange(var exchange) = state else {
            guard state == .idle else { return .none }
            state = .closed
            return .writeError(error, answering: nil, then: .close)
        }
        let lingering = !exchange.requestComplete
        switch exchange.failed(error, requestHasNoBody: requestHasNoBody) {
        case .deferred:
            state = .exchange(exchange)
            return .none
        case .writeError(let error, let close):
            state = close ? .closed : .idle
            return .writeError(error, answering: exchange.method, then: close ? (lingering ? .closeLingering : .close) : .awaitNextRequest)
        case .cut:
            state = .closed
            return .closeClient(lingering: lingering)
        }
    }

    /// The exchange is ended by closing the connection without the response's end: a stream at
    /// its lifetime cap, or a client that stopped reading.
    mutating func exchangeCut() -> Action {
        guard case .exchange(let exchange) = state else { return .none }
        state = .closed
        return .closeClient(lingering: !exchange.requestComplete)
    }

    /// The client stopped sending the request's body before its end (`clientBodyTimeout`): `408`
    /// if the response has not started, a cut otherwise; no lingering for a client that stopped
    /// sending.
    mutating func requestBodyTimedOut() -> Action {
        guard case .exchange(var exchange) = state, !exchange.requestComplete else { return .none }
        state = .closed
        switch exchange.failed(.requestBodyTimeout, requestHasNoBody: false) {
        case .writeError(let error, _): return .writeError(error, answering: exchange.method, then: .close)
        case .deferred, .cut: return .closeClient(lingering: false)
        }
    }

    /// The server wants to shut down (`ChannelShouldQuiesceEvent`).
    mutating func quiesceRequested() -> Action {
        quiescing = true
        switch state {
        case .idle:
            state = .closed
            return .closeClient(lingering: false)
        case .exchange(var exchange):
            exchange.closeRequested()
            state = .exchange(exchange)
            return .none
        case .tunnel, .closed:
            return .none
        }
    }

    /// No complete request head arrived in time on a fresh connection.
    mutating func headerTimeoutFired() -> Action {
        guard state == .idle else { return .none }
        state = .closed
        return .writeError(.requestTimeout, answering: nil, then: .close)
    }

    /// A keep-alive connection stayed idle too long.
    mutating func keepAliveTimeoutFired() -> Action {
        guard state == .idle else { return .none }
        state = .closed
        return .closeClient(lingering: false)
    }

    /// The lingering close ran out of time: the connection closes whatever the client sends.
    mutating func lingeringEnded() -> Action {
        state = .closed
        return .closeClient(lingering: false)
    }

    mutating func clientClosed() {
        state = .closed
        queued.removeAll()
    }
}
