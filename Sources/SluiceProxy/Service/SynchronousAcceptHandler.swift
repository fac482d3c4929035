import NIOCore

/// Sets up each connection a listening socket accepts, at once and in place: configures its
/// pipeline with `initializer` and registers it with its event loop, which makes it active.
///
/// `ServerBootstrap`'s own accept handler does the same through a chain of futures (channel
/// options, the initializer's future, a `flatMap` to pass the channel on), and the listening
/// channel then registers the child in a task submitted to the loop, through more futures. For a
/// child on the listener's own loop, with an initializer that does its work synchronously, none of
/// that defers anything; this handler sits before `ServerBootstrap`'s (added with
/// `serverChannelInitializer`) and consumes the accepted channel, so that one never sees it.
///
/// Registration goes through `ChannelCore.registerAlreadyConfigured0`, the public entry point
/// SwiftNIO's bootstraps use for a channel whose socket is already connected
/// (`ClientBootstrap.withConnectedSocket`): register with the selector, then become active. A
/// child on another loop is passed on to `ServerBootstrap`'s handler unchanged.
final class SynchronousAcceptHandler: ChannelInboundHandler {
    typealias InboundIn = any Channel
    typealias InboundOut = any Channel

    /// Configures an accepted channel's pipeline; runs on that channel's event loop. Throwing
    /// closes the channel (it is then never registered).
    typealias Initializer = @Sendable (any Channel) throws -> Void

    private let initializer: Initializer

    init(initializer: @escaping Initializer) {
        self.initializer = initializer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let accepted = Self.unwrapInboundIn(data)
        guard accepted.eventLoop === context.eventLoop else {
            context.fireChannelRead(data)
            return
        }
        do {
            try initializer(accepted)
        } catch {
            accepted.close(promise: nil)
            context.fireErrorCaught(error)
            return
        }
        accepted._channelCore.registerAlreadyConfigured0(promise: nil)
    }
}
