import NIOCore

/// A stream's deadlines on one entry in its loop's `DeadlineWheel`: its exchange's (upstream
/// silence, stream cap, stalls on either side) and, while the request body is unfinished, the
/// client's (`clientBodyTimeout`, nginx's `client_body_timeout` per HTTP/2 stream).
extension HTTP2StreamHandler: DeadlineWheelMember {
    /// Makes sure the timer fires no later than the earliest deadline in force.
    func rearmTimer() {
        guard context != nil else { return }
        let exchangeDeadline = exchange?.nextDeadline(clientSendTimeout: configuration.clientSendTimeout)
        guard let deadline = exchangeDeadline.map({ min($0, requestBodyDeadline ?? $0) }) ?? requestBodyDeadline else { return }
        loop.deadlines.fire(self, noLaterThan: deadline)
    }

    /// (Re)starts the request body clock: the client has `clientBodyTimeout` from now to send
    /// more of it. The timer is moved at the end of the read burst (`channelReadComplete`).
    func requestBodyProgressed() {
        requestBodyDeadline = loop.now + TimeAmount(configuration.clientBodyTimeout)
    }

    func wheelDeadlineReached() {
        let now = loop.now
        if let at = requestBodyDeadline, at <= now {
            requestBodyDeadlineReached()
        } else if let exchange {
            exchange.deadlineReached(now: now)
        }
        rearmTimer()
    }

    /// The client sent none of its unfinished body for `clientBodyTimeout`: `408` if no response
    /// started (the stream is then reset, the client still owing its body), else the stream is
    /// reset. Time during which the proxy held the stream's reads is not the client's.
    private func requestBodyDeadlineReached() {
        guard state?.requestComplete == false else {
            requestBodyDeadline = nil
            return
        }
        if readHeld {
            requestBodyProgressed()
            return
        }
        requestBodyDeadline = nil
        dataPlane.logger.debug(
            "client stopped sending the request body", metadata: ["backend": "\(exchange?.backend.name ?? "-")"])
        if let exchange {
            exchange.closeUpstream()
            self.exchange = nil
        }
        switch state?.failed(.requestBodyTimeout, requestHasNoBody: false) {
        case .writeError(let error, _)?: writeError(error)
        case .cut?, .deferred?: resetStream()
        case nil: break
        }
    }
}
