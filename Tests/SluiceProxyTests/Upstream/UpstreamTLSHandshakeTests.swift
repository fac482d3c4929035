import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import NIOTLS
import Testing

@testable import SluiceProxy

/// `UpstreamTLSHandshake`'s transitions on an `EmbeddedChannel`, the clock in hand: the
/// handshake's end releases the connection and the handler leaves; an error, a close or the
/// deadline fail it with a reason, once.
@Suite("Upstream TLS handshake")
struct UpstreamTLSHandshakeTests {
    private struct Refused: Error, CustomStringConvertible {
        var description: String { "CERTIFICATE_VERIFY_FAILED" }
    }

    /// The handshake's outcome once known: "ok" or the failure's reason.
    private typealias Outcome = NIOLockedValueBox<String?>

    /// A connected channel with the handler, and its outcome as it becomes known.
    private static func connected() throws -> (EmbeddedChannel, Outcome) {
        let channel = EmbeddedChannel()
        let done = channel.eventLoop.makePromise(of: Void.self)
        let outcome = Outcome(nil)
        done.futureResult.whenComplete { result in
            outcome.withLockedValue { value in
                switch result {
                case .success: value = "ok"
                case .failure(let error): value = (error as? UpstreamTLSFailure)?.reason ?? "\(error)"
                }
            }
        }
        try channel.pipeline.syncOperations.addHandler(UpstreamTLSHandshake(done: done, timeout: .seconds(5)))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 443)).wait()
        return (channel, outcome)
    }

    private static func reason(_ outcome: Outcome) -> String? {
        outcome.withLockedValue { $0 }
    }

    @Test func theCompletedHandshakeReleasesTheConnectionAndLeaves() throws {
        let (channel, done) = try Self.connected()
        #expect(Self.reason(done) == nil)
        channel.pipeline.fireUserInboundEventTriggered(TLSUserEvent.handshakeCompleted(negotiatedProtocol: nil))
        #expect(Self.reason(done) == "ok")
        #expect(throws: (any Error).self) { try channel.pipeline.syncOperations.handler(type: UpstreamTLSHandshake.self) }
        // The deadline went with it.
        channel.embeddedEventLoop.advanceTime(by: .seconds(10))
        #expect(channel.isActive)
        _ = try channel.finish()
    }

    @Test func anErrorFailsItWithTheReasonAndCloses() throws {
        let (channel, done) = try Self.connected()
        channel.pipeline.fireErrorCaught(Refused())
        #expect(Self.reason(done) == "TLS handshake failed: CERTIFICATE_VERIFY_FAILED")
        #expect(!channel.isActive)
    }

    @Test func aCloseFirstFailsIt() throws {
        let (channel, done) = try Self.connected()
        channel.pipeline.fireChannelInactive()
        #expect(Self.reason(done) == "the backend closed the connection during the TLS handshake")
        _ = try? channel.finish()
    }

    @Test func noHandshakeInTimeFailsItAndCloses() throws {
        let (channel, done) = try Self.connected()
        let loop = channel.embeddedEventLoop
        loop.advanceTime(by: .milliseconds(4999))
        #expect(Self.reason(done) == nil)
        #expect(channel.isActive)
        loop.advanceTime(by: .milliseconds(1))
        #expect(Self.reason(done) == "no TLS handshake within 5000 ms")
        #expect(!channel.isActive)
    }
}
