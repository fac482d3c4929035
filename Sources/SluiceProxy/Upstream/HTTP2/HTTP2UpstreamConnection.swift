import NIOCore
import NIOHTTP1
import NIOHTTP2
import SluiceRouting

/// One multiplexed HTTP/2 connection to an upstream endpoint (prior-knowledge `h2c`; `h2` over
/// TLS once the pool's connections can be TLS): each exchange gets a stream of it, a channel of
/// its own (`UpstreamConnection` with the `.http2` transport). Owned by its loop's
/// `HTTP2UpstreamPool`, which counts the streams it hands out against the peer's
/// `SETTINGS_MAX_CONCURRENT_STREAMS` (``hasRoom``). Lives on the pool's event loop.
final class HTTP2UpstreamConnection {
    /// The endpoint and how it is spoken to (plain or which TLS), under which the pool keeps it.
    let key: UpstreamPoolKey
    var endpoint: Endpoint { key.endpoint }
    /// Nil while connecting.
    private(set) var channel: (any Channel)?
    private(set) var multiplexer: NIOHTTP2Handler.StreamMultiplexer?
    /// Watches the connection's SETTINGS and GOAWAY; nil while connecting.
    private(set) var watcher: HTTP2UpstreamConnectionWatcher?
    /// Streams handed out or promised to exchanges waiting for the connection, not yet closed.
    var streams = 0
    /// When the last stream closed (the idle timeout counts from here).
    var idleSince: NIODeadline
    /// The connection failed, closed, or the peer sent GOAWAY: it takes no new streams.
    private(set) var retired = false
    /// Exchanges waiting for the connection to be established.
    private var waiting: [(Result<HTTP2UpstreamConnection, any Error>) -> Void] = []

    init(key: UpstreamPoolKey, now: NIODeadline) {
        self.key = key
        self.idleSince = now
    }

    var isReady: Bool { multiplexer != nil }

    /// The peer's stream limit; unlimited until its SETTINGS arrive (swift-nio-http2 holds back a
    /// stream the limit does not allow meanwhile, until another closes).
    var maxStreams: Int { watcher?.peerMaxConcurrentStreams ?? Int.max }

    /// Whether another stream may be opened on it now.
    var hasRoom: Bool {
        !retired && !(watcher?.goingAway ?? false) && streams < maxStreams
    }

    /// Runs `body` once the connection is established (at once if it is), or failed.
    func whenReady(_ body: @escaping (Result<HTTP2UpstreamConnection, any Error>) -> Void) {
        if isReady {
            body(.success(self))
        } else if retired {
            body(.failure(ChannelError.ioOnClosedChannel))
        } else {
            waiting.append(body)
        }
    }

    /// The connection is established: the waiting exchanges get their streams.
    func established(channel: any Channel, multiplexer: NIOHTTP2Handler.StreamMultiplexer, watcher: HTTP2UpstreamConnectionWatcher) {
        self.channel = channel
        self.multiplexer = multiplexer
        self.watcher = watcher
        let waiting = self.waiting
        self.waiting.removeAll()
        for body in waiting { body(.success(self)) }
    }

    /// The connection failed or closed: no stream is opened on it any more, and the exchanges
    /// still waiting for it fail with `error`.
    func retire(_ error: any Error) {
        retired = true
        let waiting = self.waiting
        self.waiting.removeAll()
        for body in waiting { body(.failure(error)) }
    }

    func close() {
        retire(ChannelError.ioOnClosedChannel)
        channel?.close(promise: nil)
    }
}

@available(*, unavailable)
extension HTTP2UpstreamConnection: Sendable {}

/// Behind swift-nio-http2's connection handler on an upstream HTTP/2 connection: reads the
/// connection-level frames it passes on (stream 0), keeping the peer's
/// `SETTINGS_MAX_CONCURRENT_STREAMS` and whether the peer sent GOAWAY (the connection then takes
/// no new streams; those it already carries finish, or fail if the peer will not process them).
final class HTTP2UpstreamConnectionWatcher: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame

    private(set) var peerMaxConcurrentStreams: Int?
    private(set) var goingAway = false
    /// Told once when the peer sends GOAWAY.
    var onGoAway: (() -> Void)?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.payload {
        case .settings(.settings(let settings)):
            for setting in settings where setting.parameter == .maxConcurrentStreams {
                peerMaxConcurrentStreams = setting.value
            }
        case .goAway:
            if !goingAway {
                goingAway = true
                onGoAway?()
            }
        default:
            break
        }
    }
}

@available(*, unavailable)
extension HTTP2UpstreamConnectionWatcher: Sendable {}
