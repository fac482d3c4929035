import NIOCore
import NIOHTTP1
import SluiceRouting

/// The I/O side of one request being proxied: the route it matched, the upstream attempt, the
/// request parts waiting for the upstream to be ready, and the deadlines watching the upstream.
/// Owned by `ClientConnectionHandler`, on its event loop; the handler's one connection timer
/// checks the deadlines (no timer is scheduled per exchange or per chunk).
final class ProxiedExchange {
    /// The head sent upstream; kept for a replay on a fresh connection until the response starts.
    private(set) var upstreamHead: UpstreamRequestHead?
    /// The backend the route sends to (what the exchange needs of its route besides `policy`:
    /// kept alone, an idle stream holds less).
    let backend: Backend
    /// The client's HTTP version (the response is framed for it).
    let clientVersion: HTTPVersion
    /// The request's method may be repeated after a failed attempt (RFC 9110 §9.2.2).
    let idempotent: Bool
    /// The request asked to switch protocols.
    let requestedUpgrade: Bool
    /// A `HEAD` request: its response has no body (and is never compressed).
    let headRequest: Bool
    /// The policies in force, decided with the route (`RequestDecision`).
    let policy: ExchangePolicy

    /// The connection carrying this exchange, once acquired.
    var upstream: UpstreamConnection?
    /// Whether `upstream` came from the pool (it may turn out dead: retried on a fresh one).
    var upstreamReused = false
    /// The endpoint of the current attempt.
    var endpoint: Endpoint?
    /// Upstream attempts made so far.
    var attempts = 0
    /// Request parts read before the upstream was ready (bounded: the client is not read meanwhile).
    var pending: [UpstreamRequestPart] = []
    /// Body bytes already sent upstream: once any are, the request can't be replayed.
    var bodyBytesSent = 0
    var requestEndSent = false
    /// Set once the upstream's response head arrived.
    var responseKind: ResponseKind?
    /// The upstream connection may serve another request after this response.
    var upstreamReusable = false
    /// A 101 head arrived; the tunnel starts at the response's end.
    var upgradeHead: HTTPResponseHead?

    /// Last time the upstream sent or accepted something; the idle deadline counts from here.
    var lastUpstreamActivity = NIODeadline.uptimeNanoseconds(0)
    /// When the stream reaches the route's `maxStreamDuration`.
    var streamDeadline: NIODeadline?
    /// Since when the upstream has not accepted request bytes the proxy holds for it, and how
    /// many bytes were waiting then (progress below that restarts the clock).
    var sendStall: (since: NIODeadline, buffered: Int)?
    /// Since when the client has not taken response bytes while the proxy stopped reading the
    /// upstream for it, and how many bytes the client connection held then.
    var clientStall: (since: NIODeadline, buffered: Int)?
    /// For a `HEAD` on a compressing route: the coding the same `GET` would get (nil: none), so
    /// that the head says what the `GET`'s would.
    var codingForHead: AcceptEncoding?

    init(upstreamHead: UpstreamRequestHead, clientVersion: HTTPVersion, backend: Backend, policy: ExchangePolicy) {
        self.upstreamHead = upstreamHead
        self.backend = backend
        self.clientVersion = clientVersion
        self.idempotent = UpstreamRequestHead.isIdempotent(upstreamHead.method)
        self.requestedUpgrade = upstreamHead.requestsUpgrade
        self.headRequest = upstreamHead.method.isHEAD
        self.policy = policy
    }

    /// Whether a failed attempt may be repeated: nothing of the body went out and the method is
    /// idempotent.
    var isReplayable: Bool {
        bodyBytesSent == 0 && idempotent
    }

    /// The response started: a replay can no longer happen, so the head is not needed anymore.
    func responseStarted(kind: ResponseKind) {
        responseKind = kind
        upstreamHead = nil
    }

    /// How the client's head of a response of `kind` is made (see `ResponseHeadPlan`).
    func headPlan(kind: ResponseKind, closeClient: Bool) -> ResponseHeadPlan {
        policy.headPlan(kind: kind, closeClient: closeClient, clientVersion: clientVersion)
    }

    /// Whether upstream silence is being timed: once the request is sent or the response started.
    var upstreamClockRunning: Bool {
        requestEndSent || responseKind != nil
    }

    /// The upstream silence allowed now (see `ExchangePolicy.idleTimeout(for:)`).
    var idleTimeout: TimeAmount {
        policy.idleTimeout(for: responseKind)
    }

    /// The earliest moment something about this exchange must be checked, if any.
    func nextDeadline(clientSendTimeout: Duration) -> NIODeadline? {
        var earliest: NIODeadline?
        if upstreamClockRunning {
            earliest = lastUpstreamActivity + idleTimeout
        }
        if let streamDeadline {
            earliest = min(earliest ?? streamDeadline, streamDeadline)
        }
        if let sendStall {
            let limit = sendStall.since + policy.sendTimeout
            earliest = min(earliest ?? limit, limit)
        }
        if let clientStall {
            let limit = clientStall.since + TimeAmount(clientSendTimeout)
            earliest = min(earliest ?? limit, limit)
        }
        return earliest
    }
}

@available(*, unavailable)
extension ProxiedExchange: Sendable {}
