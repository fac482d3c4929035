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
        /// The connections were told to quiesce or to close: the listener stopped accepting.
        var stopped = false
    }

    private let state = NIOLockedValueBox(State())

    /// Tracks `channel` until it closes. Returns false, tracking nothing, once the connections
    /// were told to quiesce or close: a connection the kernel handed over in the moment between
    /// the listener deciding to stop and its sockets closing would otherwise be served through the
    /// whole grace period (told nothing) or survive a forced close. The caller refuses it.
    func insert(_ channel: any Channel) -> Bool {
        let id = ObjectIdentifier(channel)
        let tracked = state.withLockedValue { state -> Bool in
            guard !state.stopped else { return false }
            state.channels[id] = channel
            return true
        }
        guard tracked else { return false }
        channel.closeFuture.whenComplete { [state] _ in
            let drained = state.withLockedValue { state -> EventLoopPromise<Void>? in
                state.channels.removeValue(forKey: id)
                guard state.channels.isEmpty, let drained = state.drained else { return nil }
                state.drained = nil
                return drained
            }
            drained?.succeed(())
        }
        return true
    }

    var count: Int {
        state.withLockedValue { $0.channels.count }
    }

    /// Sends `ChannelShouldQuiesceEvent` to every open connection (each finishes its exchange,
    /// then closes); `drained` succeeds when the last one has closed, at once if none is open.
    /// From here ``insert(_:)`` refuses connections (one the listener still accepts while its
    /// sockets close).
    func quiesceAll(drained: EventLoopPromise<Void>) {
        let open = state.withLockedValue { state -> [any Channel] in
            state.stopped = true
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
        let open = state.withLockedValue { state in
            state.stopped = true
            return Array(state.channels.values)
        }
        // Wait on `closeFuture`, not on the close promise: its callbacks run in order, so the
        // removal registered by `insert` has run by the time this completes and `count` agrees.
        let closes = open.map { channel in
            channel.close(promise: nil)
            return channel.closeFuture
        }
        return EventLoopFuture.andAllComplete(closes, on: eventLoop).map { open.count }
    }
}
