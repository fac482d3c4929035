import NIOCore

/// Stops a listening socket accepting for a while after `accept4` fails (EMFILE, ENFILE,
/// ENOBUFS, ENOMEM: the errors SwiftNIO leaves the listener open for), then accepts again.
///
/// Without a pause the loop spins: the connection stays in the backlog, so the level-triggered
/// socket is readable again at once, and every turn of the loop fails the same `accept4`.
/// SwiftNIO's `AcceptBackoffHandler` cannot stop that here. It delays the `read()` that asks for
/// the next accept, but after a failed accept the listener never asks (its read stays pending,
/// since only a successful accept clears it), and it stays registered for readability. This
/// handler turns `autoRead` off instead, which drops the readability interest. When the pause is
/// over it turns `autoRead` back on and issues a `read()`, which registers the interest again.
///
/// nginx does the same after EMFILE/ENFILE (it disables accept events for `accept_mutex_delay`,
/// 500 ms).
final class AcceptPauseHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = any Channel
    typealias InboundOut = any Channel

    private let pause: TimeAmount
    /// Called with each failure that starts a pause (not with those reported during one).
    private let onPause: (IOError) -> Void
    private var resume: Scheduled<Void>?

    init(pause: TimeAmount, onPause: @escaping (IOError) -> Void) {
        self.pause = pause
        self.onPause = onPause
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let error = error as? IOError else {
            context.fireErrorCaught(error)
            return
        }
        guard resume == nil, context.channel.isActive else { return }
        onPause(error)
        do {
            try context.channel.syncOptions?.setOption(.autoRead, value: false)
        } catch {
            context.fireErrorCaught(error)
            return
        }
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        resume = context.eventLoop.scheduleTask(in: pause) {
            let (handler, context) = loopBound.value
            handler.resume = nil
            guard context.channel.isActive else { return }
            try? context.channel.syncOptions?.setOption(.autoRead, value: true)
            context.read()
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelResume()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelResume()
    }

    private func cancelResume() {
        resume?.cancel()
        resume = nil
    }
}

@available(*, unavailable)
extension AcceptPauseHandler: Sendable {}
