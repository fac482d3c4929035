import NIOHTTP1

/// One request's life as a pure value, from its head to its response's end: how far the request
/// came from the client, how far the response went, whether the client connection must close
/// after it, and an error waiting for the request's end. One source of truth for each of these
/// facts; what went upstream is the upstream side's (`ProxiedExchange`).
///
/// Protocol-neutral: `HTTP1ConnectionStateMachine` holds one while an exchange lasts, and turns
/// what it returns into connection actions; an HTTP/2 stream holds one the same way.
struct ExchangeStateMachine: Equatable, Sendable {
    enum ResponseProgress: Equatable, Sendable {
        case notStarted
        case streaming
        case complete
    }

    /// The request's method: its response's framing depends on it (`HEAD`, `CONNECT`).
    let method: HTTPMethod
    /// The request's end arrived from the client.
    private(set) var requestComplete = false
    private(set) var response = ResponseProgress.notStarted
    /// The connection closes when this exchange ends (client asked, quiescing, a response that
    /// cannot be delimited otherwise, an error that leaves the connection unusable...).
    private(set) var closeAfter: Bool
    /// An error for a request without a body, decided from its head: sent when the request's end
    /// (the next part) arrives, so the connection stays open.
    private(set) var deferredError: ProxyErrorResponse?
    /// The upstream refused the request before its body ended (an error status came first): the
    /// rest of the body is read and dropped, not forwarded, so that a client that sends all of
    /// its body before reading gets to the answer.
    private(set) var bodyRefused = false

    init(method: HTTPMethod, closeAfter: Bool) {
        self.method = method
        self.closeAfter = closeAfter
    }

    enum BodyAction: Equatable, Sendable {
        case forward
        /// The request was already answered (an error): its body goes nowhere.
        case discard
    }

    mutating func requestBodyReceived() -> BodyAction {
        deferredError != nil || bodyRefused || response == .complete ? .discard : .forward
    }

    enum EndAction: Equatable, Sendable {
        case forward
        /// The body was refused (``bodyRefused``): its end goes nowhere either, so the upstream
        /// never takes a cut body for a whole one.
        case discard
        /// Answer with the error decided from the head; the connection closes after it when
        /// `close` is set.
        case writeError(ProxyErrorResponse, close: Bool)
    }

    mutating func requestEndReceived() -> EndAction {
        requestComplete = true
        guard let error = deferredError else { return bodyRefused ? .discard : .forward }
        return .writeError(error, close: closeAfter || error.closeConnection)
    }

    /// The response head is about to be written. Returns whether the connection closes after this
    /// response. `mustClose`: it cannot be reused after it (a close-delimited body, an upgrade).
    /// A response that starts before the request's body has all arrived (an early `413`) closes
    /// the connection too: the rest of that body is not forwarded, so the head says so. With an
    /// error `status` (400 and up) the rest of the body is refused (``bodyRefused``); a success
    /// may be a stream answering the upload as it goes, and the body still goes up.
    mutating func responseHeadReceived(status: UInt, mustClose: Bool) -> Bool {
        response = .streaming
        if !requestComplete, status >= 400 { bodyRefused = true }
        closeAfter = closeAfter || mustClose || !requestComplete
        return closeAfter
    }

    /// The response ended; returns whether the connection closes now.
    mutating func responseEnded() -> Bool {
        response = .complete
        return closeAfter || !requestComplete
    }

    enum FailureAction: Equatable, Sendable {
        /// The error waits for the request's end (see `deferredError`).
        case deferred
        /// Write the error; close after it when `close` is set.
        case writeError(ProxyErrorResponse, close: Bool)
        /// The response already started: the client connection is cut.
        case cut
    }

    /// The exchange failed (no route, upstream unreachable or timed out...). `requestHasNoBody`:
    /// the request's end, not yet seen, is all that is left of it (an error decided from the head
    /// of a `GET`); the error then waits for it.
    mutating func failed(_ error: ProxyErrorResponse, requestHasNoBody: Bool) -> FailureAction {
        guard response == .notStarted else { return .cut }
        if !requestComplete, requestHasNoBody, !error.closeConnection {
            deferredError = error
            return .deferred
        }
        // An error decided before the request's body has all arrived goes out at once, and the
        // connection closes after it (the handler drops the rest of the body meanwhile, see
        // `LingeringClose`), as Envoy answers a local reply to an unfinished request and nginx a
        // 502 without request buffering. Waiting for the body first would hold a client
        // uploading to a dead backend for the whole upload.
        return .writeError(error, close: closeAfter || error.closeConnection || !requestComplete)
    }

    /// The connection is to close once this exchange is over (the server quiesces).
    mutating func closeRequested() {
        closeAfter = true
    }
}
