/// The life of one client connection as a pure value: which request is in progress, how far its
/// request and response got, and whether the connection ends after it. `ClientConnectionHandler`
/// feeds it events and executes the actions it returns; it does no I/O itself.
///
/// One exchange at a time: a request pipelined behind the current one is queued by the handler
/// (`.queue`) and replayed when the current exchange finishes.
struct ClientConnectionStateMachine: Sendable {
    enum State: Equatable, Sendable {
        /// Waiting for a request head (a new connection, or keep-alive between requests).
        case idle
        /// A request is being proxied.
        case exchange(Exchange)
        /// The connection upgraded and is now a byte tunnel; HTTP events no longer arrive.
        case tunnel
        case closed
    }

    struct Exchange: Equatable, Sendable {
        var requestComplete = false
        var response: ResponseProgress = .notStarted
        /// The connection closes when this exchange ends (client asked, quiescing, upgrade
        /// refused, close-delimited body...).
        var closeAfter: Bool
        /// An error for a request without a body, decided from its head: sent when the
        /// request's end (the next part) arrives, so the connection stays open.
        var deferredError: ProxyErrorResponse?
    }

    enum ResponseProgress: Equatable, Sendable {
        case notStarted
        case streaming
        case complete
    }

    enum Action: Equatable, Sendable {
        case none
        /// Route the request and start an upstream attempt.
        case startExchange
        /// Forward this request part to the upstream (or hold it until the upstream is ready).
        case forward
        /// Keep this part for the next exchange and stop reading the client.
        case queue
        /// Drop this part (body of a request already answered with an error).
        case discard
        /// Write this error response; close the connection after it when `close` is set.
        case writeError(ProxyErrorResponse, close: Bool)
        /// The exchange is over: release the upstream; close the client when `closeClient`,
        /// otherwise wait for the next request.
        case finishExchange(closeClient: Bool)
        /// Close the client connection now (an idle connection asked to quiesce, a timeout, a
        /// failure after the response started).
        case closeClient
    }

    private(set) var state: State = .idle
    private(set) var quiescing = false

    var isIdle: Bool { state == .idle }

    var exchange: Exchange? {
        if case .exchange(let e) = state { return e }
        return nil
    }

    mutating func requestHeadReceived(keepAlive: Bool) -> Action {
        switch state {
        case .idle:
            state = .exchange(Exchange(closeAfter: !keepAlive || quiescing))
            return .startExchange
        case .exchange:
            return .queue
        case .tunnel, .closed:
            return .discard
        }
    }

    mutating func requestBodyReceived() -> Action {
        guard case .exchange(let e) = state else { return .discard }
        if e.requestComplete { return .queue }
        if e.deferredError != nil || e.response == .complete { return .discard }
        return .forward
    }

    mutating func requestEndReceived() -> Action {
        guard case .exchange(var e) = state else { return .discard }
        if e.requestComplete { return .queue }
        e.requestComplete = true
        if let error = e.deferredError {
            let close = e.closeAfter || error.closeConnection
            state = close ? .closed : .idle
            return .writeError(error, close: close)
        }
        state = .exchange(e)
        return .forward
    }

    /// The upstream's response head is about to be written. Returns whether it must carry
    /// `Connection: close`. `mustClose` is set when the client connection cannot be reused after
    /// this response (upstream closes a close-delimited body, refused upgrade). A response that
    /// starts before the request's body has all arrived (an early `413`) closes the connection
    /// too: the rest of that body is not read, so the head says so.
    mutating func responseHeadReceived(mustClose: Bool) -> Bool {
        guard case .exchange(var e) = state else { return true }
        e.response = .streaming
        e.closeAfter = e.closeAfter || mustClose || quiescing || !e.requestComplete
        state = .exchange(e)
        return e.closeAfter
    }

    mutating func responseEndReceived() -> Action {
        guard case .exchange(var e) = state else { return .none }
        e.response = .complete
        let close = e.closeAfter || !e.requestComplete
        state = close ? .closed : .idle
        return .finishExchange(closeClient: close)
    }

    /// The response switched protocols: the connection becomes a tunnel.
    mutating func upgraded() {
        state = .tunnel
    }

    /// The exchange failed (no route, upstream unreachable or timed out, bad request...).
    /// `requestHasNoBody`: the request's end, not yet seen, is all that is left of it (an error
    /// decided from the head of a `GET`); the error then waits for it.
    mutating func exchangeFailed(_ error: ProxyErrorResponse, requestHasNoBody: Bool = false) -> Action {
        guard case .exchange(var e) = state else {
            if state == .idle {
                state = .closed
                return .writeError(error, close: true)
            }
            return .none
        }
        switch e.response {
        case .streaming, .complete:
            state = .closed
            return .closeClient
        case .notStarted:
            if !e.requestComplete, requestHasNoBody, !error.closeConnection {
                e.deferredError = error
                state = .exchange(e)
                return .none
            }
            // An error decided before the request's body has all arrived goes out at once, and the
            // connection closes after it (the handler drops the rest of the body meanwhile, see
            // `LingeringClose`), as Envoy answers a local reply to an unfinished request and nginx
            // a 502 without request buffering. Waiting for the body first would hold a client
            // uploading to a dead backend for the whole upload.
            let close = e.closeAfter || error.closeConnection || !e.requestComplete
            state = close ? .closed : .idle
            return .writeError(error, close: close)
        }
    }

    /// The server wants to shut down (`ChannelShouldQuiesceEvent`).
    mutating func quiesceRequested() -> Action {
        quiescing = true
        switch state {
        case .idle:
            state = .closed
            return .closeClient
        case .exchange(var e):
            e.closeAfter = true
            state = .exchange(e)
            return .none
        case .tunnel, .closed:
            return .none
        }
    }

    /// No complete request head arrived in time on a fresh connection.
    mutating func headerTimeoutFired() -> Action {
        guard state == .idle else { return .none }
        state = .closed
        return .writeError(.requestTimeout, close: true)
    }

    /// A keep-alive connection stayed idle too long.
    mutating func keepAliveTimeoutFired() -> Action {
        guard state == .idle else { return .none }
        state = .closed
        return .closeClient
    }

    /// The upstream went silent too long (or a stream hit its total cap).
    mutating func upstreamTimedOut(_ error: ProxyErrorResponse) -> Action {
        exchangeFailed(error)
    }

    mutating func clientClosed() {
        state = .closed
    }
}
