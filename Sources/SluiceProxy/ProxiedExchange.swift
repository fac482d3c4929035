import NIOCore
import NIOHTTP1
import SluiceRouting

/// The I/O side of one request being proxied: the route it matched, the upstream attempt, the
/// request parts waiting for the upstream to be ready, and the timers watching the upstream.
/// Owned by `ClientConnectionHandler`, on its event loop.
final class ProxiedExchange {
    let clientHead: HTTPRequestHead
    let upstreamHead: HTTPRequestHead
    let route: Route
    let path: String
    /// The request asked to switch protocols.
    let requestedUpgrade: Bool
    /// The route declares this path an event stream.
    let declaredEventStream: Bool

    /// The connection carrying this exchange, once acquired.
    var upstream: UpstreamConnection?
    /// Whether `upstream` came from the pool (it may turn out dead: retried on a fresh one).
    var upstreamReused = false
    /// The endpoint of the current attempt.
    var endpoint: Endpoint?
    /// Upstream attempts made so far.
    var attempts = 0
    /// Request parts read before the upstream was ready (bounded: the client is not read meanwhile).
    var pending: [HTTPClientRequestPart] = []
    /// Body bytes already sent upstream: once any are, the request can't be replayed.
    var bodyBytesSent = 0
    var requestEndSent = false
    /// Set once the upstream's response head arrived.
    var responseKind: ResponseKind?
    /// The upstream connection may serve another request after this response.
    var upstreamReusable = false
    /// A 101 head arrived; the tunnel starts at the response's end.
    var upgradeHead: HTTPResponseHead?

    /// Last time the upstream sent or accepted something; the idle timer measures from here.
    var lastUpstreamActivity = NIODeadline.now()
    var idleTimer: Scheduled<Void>?
    var streamDeadline: Scheduled<Void>?

    init(clientHead: HTTPRequestHead, upstreamHead: HTTPRequestHead, route: Route, path: String) {
        self.clientHead = clientHead
        self.upstreamHead = upstreamHead
        self.route = route
        self.path = path
        self.requestedUpgrade = HopByHopHeaders.isUpgradeRequest(clientHead.headers)
        self.declaredEventStream = route.policy.declaresEventStream(path: path)
    }

    /// Whether a failed attempt may be repeated: nothing of the body went out and the method is
    /// idempotent.
    var isReplayable: Bool {
        bodyBytesSent == 0 && UpstreamRequestHead.isIdempotent(clientHead.method)
    }

    /// The upstream silence allowed now: the stream idle timeout for streams (and for declared
    /// stream paths from the start), the read timeout otherwise.
    var idleTimeout: Duration {
        switch responseKind {
        case .eventStream?, .upgrade?: return route.policy.streamIdleTimeout
        case .ordinary?: return route.policy.readTimeout
        case nil: return declaredEventStream ? route.policy.streamIdleTimeout : route.policy.readTimeout
        }
    }

    func cancelTimers() {
        idleTimer?.cancel()
        idleTimer = nil
        streamDeadline?.cancel()
        streamDeadline = nil
    }
}

@available(*, unavailable)
extension ProxiedExchange: Sendable {}
