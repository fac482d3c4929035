import NIOConcurrencyHelpers
import NIOCore

/// The accepted connections still open, so a shutdown can count them and force-close the ones
/// that outlive the grace period. Safe from any thread.
final class OpenConnections: Sendable {
    private let channels = NIOLockedValueBox<[ObjectIdentifier: any Channel]>([:])

    /// Tracks `channel` until it closes.
    func insert(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        channels.withLockedValue { $0[id] = channel }
        channel.closeFuture.whenComplete { [channels] _ in
            _ = channels.withLockedValue { $0.removeValue(forKey: id) }
        }
    }

    var count: Int {
        channels.withLockedValue { $0.count }
    }

    /// Closes every open connection; completes when all of them are closed.
    func closeAll(on eventLoop: any EventLoop) -> EventLoopFuture<Int> {
        let open = channels.withLockedValue { Array($0.values) }
        // Wait on `closeFuture`, not on the close promise: its callbacks run in order, so the
        // removal registered by `insert` has run by the time this completes and `count` agrees.
        let closes = open.map { channel in
            channel.close(promise: nil)
            return channel.closeFuture
        }
        return EventLoopFuture.andAllComplete(closes, on: eventLoop).map { open.count }
    }
}
