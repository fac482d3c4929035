import NIOCore

/// A close put off while the client may still be sending its request body.
///
/// A response can end the connection before the request body has all arrived: an upstream that
/// refuses an upload at its head (`413`), an error decided mid-body. Closing a socket with unread
/// input makes the kernel send a reset instead of a FIN, and a reset can destroy the response
/// still in flight: the client then sees a broken connection instead of the `413`. So, as nginx
/// does (`lingering_close`), the proxy keeps reading and dropping the client's bytes while the
/// response is written, then shuts down its output (the client sees the response end) and closes
/// when the client closes its side, stops sending for `lingeringTimeout`, or `lingeringTime` has
/// passed.
enum LingeringClose {
    /// The last response is still being written.
    case sending
    /// The proxy's output is shut down; the client's bytes are dropped until it closes, until it
    /// is silent for `lingeringTimeout`, or until `until` at the latest.
    case draining(until: NIODeadline)
}

extension ClientConnectionHandler {
    /// Closes the connection once `written` (the last response's end) completes, lingering
    /// first (see `LingeringClose`) when `clientMaySend` says input may still arrive.
    func closeConnection(after written: EventLoopFuture<Void>, clientMaySend: Bool, context: ChannelHandlerContext) {
        guard clientMaySend else {
            written.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            return
        }
        lingering = .sending
        // The client has `clientSendTimeout` to take the response's last bytes.
        setClientDeadline(after: configuration.clientSendTimeout, .lingeringClose)
        if readHeld {
            readHeld = false
            context.setAutoRead(true)
        }
        written.assumeIsolated().whenComplete { result in
            guard case .success = result, context.channel.isActive else {
                context.close(promise: nil)
                return
            }
            self.drain(context: context)
        }
    }

    private func drain(context: ChannelHandlerContext) {
        let now = loop.now
        let until = now + TimeAmount(configuration.lingeringTime)
        lingering = .draining(until: until)
        clientDeadline = (at: min(now + TimeAmount(configuration.lingeringTimeout), until), event: .lingeringClose)
        rearmTimer()
        context.close(mode: .output).assumeIsolated().whenFailure { _ in
            context.close(promise: nil)
        }
    }

    /// The client sent more while the proxy lingers: it gets `lingeringTimeout` more.
    func lingeringClientSent() {
        guard case .draining(let until) = lingering else { return }
        clientDeadline = (at: min(loop.now + TimeAmount(configuration.lingeringTimeout), until), event: .lingeringClose)
    }
}
