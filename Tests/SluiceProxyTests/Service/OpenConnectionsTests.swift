import NIOCore
import NIOEmbedded
import Testing

@testable import SluiceProxy

/// The listener's bookkeeping of open connections, and the connections it refuses once it has
/// stopped accepting.
@Suite("Open connections")
struct OpenConnectionsTests {
    /// A connection handed over after the others were told to quiesce would be told nothing and
    /// served through the whole grace period: it is refused instead.
    @Test func aConnectionArrivingAfterTheQuiesceIsRefused() throws {
        let loop = EmbeddedEventLoop()
        let connections = OpenConnections()
        let early = EmbeddedChannel(loop: loop)
        #expect(connections.insert(early))
        let drained = loop.makePromise(of: Void.self)
        connections.quiesceAll(drained: drained)
        #expect(!connections.insert(EmbeddedChannel(loop: loop)))
        #expect(connections.count == 1)
        try early.close().wait()
        loop.run()
        #expect(connections.count == 0)
        try drained.futureResult.wait()
    }

    /// Likewise after a forced close (a cancelled listener): nothing accepted later survives it.
    @Test func aConnectionArrivingAfterTheForcedCloseIsRefused() throws {
        let loop = EmbeddedEventLoop()
        let connections = OpenConnections()
        let open = EmbeddedChannel(loop: loop)
        try open.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        #expect(connections.insert(open))
        let closed = connections.closeAll(on: loop)
        loop.run()
        #expect(try closed.wait() == 1)
        #expect(!open.isActive)
        #expect(!connections.insert(EmbeddedChannel(loop: loop)))
        #expect(connections.count == 0)
    }
}
