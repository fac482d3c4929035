import NIOCore

/// What the client connection's own deadline is for (the exchange's deadlines watch the
/// upstream and, once the response is under way, the client's reading).
enum ClientDeadline {
    /// A complete request head must arrive in time (slowloris), counted from accepting the
    /// connection, or on a kept-alive one from the first bytes of the next request: `408`.
    case header
    /// A keep-alive connection may idle this long between requests: closed silently.
    case keepAlive
    /// An unfinished request body must make progress (`clientBodyTimeout`): `408` before the
    /// response starts, the connection closed after.
    case requestBody
    /// The connection is closing and drops what the client still sends (`LingeringClose`):
    /// closed at this deadline.
    case lingeringClose
}

/// Every timeout of a client connection runs on one entry per connection in its loop's
/// `DeadlineWheel`.
///
/// Activity only moves timestamps (`ProxiedExchange.lastUpstreamActivity`, the keep-alive
/// deadline); nothing is scheduled or cancelled per request or per chunk. The timer is moved
/// only when a deadline comes *earlier* than the tick it is filed for
/// (`DeadlineWheel.fire(_:noLaterThan:)`); when it fires it checks the
/// deadlines in force and sets itself for the next one.
extension ClientConnectionHandler: DeadlineWheelMember {
    func setClientDeadline(after delay: Duration, _ event: ClientDeadline) {
        clientDeadline = (at: loop.now + TimeAmount(delay), event: event)
        rearmTimer()
    }

    /// Makes sure the timer fires no later than the earliest deadline in force.
    func rearmTimer() {
        guard context != nil else { return }
        let exchangeDeadline = exchange?.nextDeadline(clientSendTimeout: configuration.clientSendTimeout)
        let clientAt = clientDeadline?.at
        guard let deadline = exchangeDeadline.map({ min($0, clientAt ?? $0) }) ?? clientAt else { return }
        loop.deadlines.fire(self, noLaterThan: deadline)
    }

    func cancelTimer() {
        loop.deadlines.remove(self)
    }

    func wheelDeadlineReached() {
        deadlineReached()
    }

    private func deadlineReached() {
        let now = loop.now
        if let (at, event) = clientDeadline, at <= now {
            clientDeadline = nil
            switch event {
            case .header:
                // The 408 answers a head that never arrived: logged as an unparsed request.
                if accessLog != nil { logUnparsedRequest() }
                perform(machine.headerTimeoutFired())
            case .keepAlive: perform(machine.keepAliveTimeoutFired())
            case .requestBody: requestBodyDeadlineReached(now: now)
            case .lingeringClose: perform(machine.lingeringEnded())
            }
        } else if let exchange {
            exchange.deadlineReached(now: now)
        }
        rearmTimer()
    }

    /// (Re)starts the request body clock: the client has `clientBodyTimeout` from now to send
    /// more of it. Called when body bytes arrive and when the proxy resumes reading the client;
    /// the timer is moved at the end of the read burst (`channelReadComplete`).
    func requestBodyProgressed() {
        clientDeadline = (at: loop.now + TimeAmount(configuration.clientBodyTimeout), event: .requestBody)
    }

    private func requestBodyDeadlineReached(now: NIODeadline) {
        guard machine.awaitsRequestBody else { return }
        if readHeld {
            // The proxy is not reading the client (upstream not ready, or not taking the body):
            // that silence is not the client's.
            requestBodyProgressed()
            return
        }
        dataPlane.logger.debug(
            "client stopped sending the request body",
            metadata: ["backend": "\(exchange?.backend.name ?? "-")"])
        endUpstream()
        perform(machine.requestBodyTimedOut())
        resumeClientReads()
    }
}
