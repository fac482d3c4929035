import NIOCore
import NIOHTTP1

/// How the events of a ``UpstreamBehaviour/pacedEventStream(events:interval:eventBytes:writes:)``
/// leave the upstream.
public enum EventStreamWrites: Sendable, Hashable {
    /// Each event written and flushed as it is produced: a stream.
    case eachEvent
    /// Events held until `bytes` bytes of them wait, then exactly those bytes written at once (a
    /// 4 KiB proxy buffer; an event may straddle two blocks).
    case inBlocksOf(bytes: Int)
    /// Every event held to the last, then all written at once with the response's end.
    case allAtTheEnd
}

/// Answers each request with `text/event-stream` (chunked), producing `events` events of
/// `eventBytes` bytes each (`id: <i>` and padded `data:`), one every `interval` on the event
/// loop's clock, the first after one interval, and writing them as `writes` says.
final class UpstreamPacedEventStreamHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let events: Int
    private let interval: Duration
    private let eventBytes: Int
    private let writes: EventStreamWrites
    private var produced = 0
    private var held: [UInt8] = []
    private var started = false
    private var next: Scheduled<Void>?

    init(events: Int, interval: Duration, eventBytes: Int, writes: EventStreamWrites) {
        self.events = events
        self.interval = interval
        self.eventBytes = eventBytes
        self.writes = writes
    }

    /// Event `i`'s bytes, padded to `size` when it is longer than the bare event.
    static func event(_ i: Int, size: Int) -> String {
        let bare = "id: \(i)\ndata: \n\n"
        return "id: \(i)\ndata: " + String(repeating: "x", count: max(0, size - bare.utf8.count)) + "\n\n"
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .end = unwrapInboundIn(data), !started else { return }
        started = true
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/event-stream")
        headers.add(name: "Cache-Control", value: "no-cache")
        context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
        scheduleNextEvent(context: context)
    }

    private func scheduleNextEvent(context: ChannelHandlerContext) {
        next = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(interval)) {
            self.produceEvent(context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        next?.cancel()
        context.fireChannelInactive()
    }

    private func produceEvent(context: ChannelHandlerContext) {
        guard produced < events else { return }
        produced += 1
        held += Array(Self.event(produced, size: eventBytes).utf8)
        let last = produced == events
        switch writes {
        case .eachEvent:
            write(held.count, context: context)
        case .inBlocksOf(let bytes):
            while held.count >= bytes { write(bytes, context: context) }
            if last, !held.isEmpty { write(held.count, context: context) }
        case .allAtTheEnd:
            if last { write(held.count, context: context) }
        }
        if last {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        } else {
            scheduleNextEvent(context: context)
        }
    }

    private func write(_ count: Int, context: ChannelHandlerContext) {
        let buffer = context.channel.allocator.buffer(bytes: held.prefix(count))
        held.removeFirst(count)
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
    }
}

@available(*, unavailable)
extension UpstreamPacedEventStreamHandler: Sendable {}
