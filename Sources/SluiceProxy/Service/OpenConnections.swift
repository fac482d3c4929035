import NIOConcurrencyHelpers
import NIOCore

/// The accepted connections still open: a shutdown asks them to finish, learns when the last one
/// closed, counts them, and force-closes the ones that outlive the grace period. Safe from any
/// thread.
///
/// This is the listener's only per-connection bookkeeping (one dictionary entry and one
/// close callback per connection), so it also does what `ServerQuiescingHelper` (swift-nio-extras)
/// would: telling each connection to quiesce and reporting when all are gone.
final class OpenConnections: Sendable {
    private struct State {
        var channels: [ObjectIdentifier: any Channel] = [:]
        /// Set once draining starts; succeeded when `channels` becomes empty.
        var drained: EventLoopPromise<Void>?
    }

    private let state = NIOLockedValueBox(State())

    /// Tracks `channel` until it closes.
    func insert(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        state.withLockedValue { $0.channels[id] = channel }
        channel.closeFuture.whenComplete { [state] _ in
            let drained = state.withLockedValue { state -> EventLoopPromise<Void>? in
                state.channels.removeValue(forKey: id)
                guard state.channels.isEmpty, let drained = state.drained else { return nil }
                state.drained = nil
                return drained
            }
            drained?.succeed(())
        }
    }

    var count: Int {
        state.withLockedValue { $0.channels.count }
    }

    /// Sends `ChannelShouldQuiesceEvent` to every open connection (each finishes its exchange,
    /// then closes); `drained` succeeds when the last one has closed, at once if none is open.
    /// Call after the listening sockets closed, so that no connection arrives afterwards.
    func quiesceAll(drained: EventLoopPromise<Void>) {
        let open = state.withLockedValue { state -> [any Channel] in
            guard !state.channels.isEmpty else { return [] }
            state.drained = drained
            return Array(state.channels.values)
        }
        guard !open.isEmpty else {
            drained.succeed(())
            return
        }
        for channel in open {
            channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        }
    }

    /// Closes every open connection; completes when all of them are closed.
    func closeAll(on eventLoop: any EventLoop) -> EventLoopFuture<Int> {
        let open = state.withLockedValue { Array($0.channels.values) }
        // Wait on `closeFuture`, not on the close promise: its callbacks run in order, so the
        // removal registered by `insert` has run by the time this completes and `count` agrees.
        let closes = open.map { channel in
            channel.close(promise: nil)
            return channel.closeFuture
        }
        return EventLoopFuture.andAllComplete(closes, on: eventLoop).map { open.count }
    }
}
