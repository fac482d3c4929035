import Foundation
import NIOCore
import NIOPosix
import SluiceTestSupport


/// A raw TCP client on loopback.
struct LoopbackClient {
    private var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private var pending = ""

    /// Connects, runs `body`, closes.
    static func with<T: Sendable>(port: Int, _ body: (inout LoopbackClient) async throws -> T) async throws -> T {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var client = LoopbackClient(inbound: inbound.makeAsyncIterator(), outbound: outbound)
            return try await body(&client)
        }
    }

    /// Connects, sends `request`, and returns everything received until the server closes.
    static func exchange(port: Int, _ request: String) async throws -> String {
        try await with(port: port) { client in
            try await client.send(request)
            return try await client.readToEnd()
        }
    }

    func send(_ text: String) async throws {
        try await outbound.write(ByteBuffer(string: text))
    }

    /// Reads until `marker` has arrived; returns what arrived up to and including it.
    mutating func read(until marker: String) async throws -> String {
        while !pending.contains(marker) {
            guard let chunk = try await inbound.next() else { throw ClosedEarly(received: pending) }
            pending += String(buffer: chunk)
        }
        let end = pending.range(of: marker)!.upperBound
        defer { pending = String(pending[end...]) }
        return String(pending[..<end])
    }

    /// Reads until the server closes; returns what arrived since the last read.
    mutating func readToEnd() async throws -> String {
        while let chunk = try await inbound.next() {
            pending += String(buffer: chunk)
        }
        defer { pending = "" }
        return pending
    }
}

struct ClosedEarly: Error {
    var received: String
}

/// Echoes bytes back; on `ChannelShouldQuiesceEvent` reports whether the proxy was still ready
/// at that moment, and (when `finishOnQuiesce`) writes `bye` and closes like a finished stream.
final class QuiesceAwareEchoHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let finishOnQuiesce: Bool
    private let quiesced: @Sendable () -> Void

    init(finishOnQuiesce: Bool, quiesced: @escaping @Sendable () -> Void) {
        self.finishOnQuiesce = finishOnQuiesce
        self.quiesced = quiesced
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.writeAndFlush(data, promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ChannelShouldQuiesceEvent else {
            return context.fireUserInboundEventTriggered(event)
        }
        quiesced()
        if finishOnQuiesce {
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "bye"))).whenComplete { _ in
                channel.close(promise: nil)
            }
        }
    }
}

@available(*, unavailable)
extension QuiesceAwareEchoHandler: Sendable {}
