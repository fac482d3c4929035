import NIOCore
import NIOHTTP1
import SluiceRouting

/// One request being proxied, on the upstream side: the route it matched, the upstream attempt
/// (`+Attempt`), the request parts on their way, the response relayed as it arrives
/// (`+Response`, the upstream connection's delegate) and the deadlines watching the upstream
/// (`+Deadlines`).
///
/// Protocol-neutral: it answers an `ExchangeClient` — the HTTP/1 connection that owns it, or an
/// HTTP/2 stream — which applies its protocol's rules and frames the response. Lives on the
/// client's event loop; the client's timer checks the deadlines (no timer is scheduled per
/// exchange or per chunk).
///
/// References are strong: the client holds the exchange while it answers it and lets go of it
/// when it ends, which breaks the cycle (see `ExchangeClient.exchange`).
final class ProxiedExchange {
    /// Who the response goes to.
    let client: any ExchangeClient
    /// The head sent upstream; kept for a replay on a fresh connection until the response starts.
    /// Replaced once before the first attempt when external auth adds fields (`+Authorization`).
    var upstreamHead: UpstreamRequestHead?
    /// The backend the route sends to (what the exchange needs of its route besides `policy`:
    /// kept alone, an idle stream holds less); the error backend once it makes the response's
    /// page (`+ErrorPage`).
    var backend: Backend
    /// The client's HTTP version (the response is framed for it).
    let clientVersion: HTTPVersion
    /// The request's method may be repeated after a failed attempt (RFC 9110 §9.2.2).
    let idempotent: Bool
    /// The request asked to switch protocols.
    let requestedUpgrade: Bool
    /// A `HEAD` request: its response has no body.
    let headRequest: Bool
    /// The policies in force, decided with the route (`RequestDecision`).
    /// Decided with the request; an external auth allow adds its cookies (`+Authorization`).
    var policy: ExchangePolicy
    /// TLS to the backend (`backend-protocol: HTTPS`); nil: plain TCP.
    let upstreamTLS: UpstreamTLSClient?

    /// The connection carrying this exchange, once acquired.
    var upstream: UpstreamConnection?
    /// Whether `upstream` came from the pool (it may turn out dead: retried on a fresh one).
    var upstreamReused = false
    /// The endpoint of the current attempt.
    var endpoint: Endpoint?
    /// Upstream attempts made so far.
    var attempts = 0
    /// The endpoints of failed attempts a retry went away from (`+Retry`); empty until one does.
    var triedEndpoints: [Endpoint] = []
    /// When the first attempt started, on a route whose retries have a time limit
    /// (`proxy-next-upstream-timeout`); nil otherwise.
    var firstAttemptAt: NIODeadline?
    /// The body parts forwarded so far, kept for a retry while they add up to at most
    /// `RetryDecision.maxReplayBodyBytes`; nil: beyond (or a part that can't be kept), or the
    /// route never replays a request that reached the upstream.
    var replayBody: [UpstreamRequestPart]?
    var replayBodyBytes = 0
    /// The client's request ended (its `.end` was forwarded).
    var requestEnded = false
    /// An interim (`1xx`) response went to the client: no retry after it.
    var interimForwarded = false
    /// Makes the error backend's request for a status (`+ErrorPage`), on a route with
    /// `custom-http-errors` (`policy.errorPages`); nil: none, or the page is being made.
    var errorPageHead: ((Int) -> UpstreamRequestHead)?
    /// The response comes from the error backend: the client's body goes nowhere.
    var servingErrorPage = false
    /// Request parts read before the upstream was ready (bounded: the client is not read meanwhile).
    var pending: [UpstreamRequestPart] = []
    /// Body bytes already sent upstream: once any are, the request can't be replayed.
    var bodyBytesSent = 0
    var requestEndSent = false
    /// Body bytes received from the client, checked against the policy's limit
    /// (``admitsRequestBody(_:)``).
    private(set) var bodyBytesReceived: Int64 = 0
    /// The request's place under its client's in-flight cap (`ClientLimiter`), held until the
    /// exchange ends (a tunnel takes it over).
    var limitSlot: ClientLimitSlot?
    /// The request's place among its endpoint's requests in flight, when the route balances by
    /// them (`least_streams`, `ewma`), held until the exchange ends (a tunnel takes it over).
    var loadSlot: EndpointLoadSlot?
    /// The route's sticky cookie when a retry on another endpoint moves the session
    /// (`session-cookie-change-on-failure`); nil otherwise.
    var stickyOnFailure: StickyCookie?
    /// The basic authentication check still to pass before the first attempt (`+BasicAuth`);
    /// nil: none (or passed).
    var basicAuthGate: BasicAuthGate?
    /// Request parts were written upstream since the last flush.
    var upstreamFlushPending = false
    /// Set once the upstream's response head arrived.
    var responseKind: ResponseKind?
    /// The upstream connection may serve another request after this response.
    var upstreamReusable = false
    /// A 101 head arrived; the tunnel starts at the response's end.
    var upgradeHead: HTTPResponseHead?

    /// The route's streaming metrics (see `+Metrics`); nil until the client routed the request.
    var streamCounters: RouteStreamCounters?
    /// When the client's request head arrived.
    var receivedAt = NIODeadline.uptimeNanoseconds(0)
    /// When the request head went upstream, until the response's first byte.
    var requestSentAt: NIODeadline?
    /// When the stream's current upstream read burst brought its first bytes, until they are
    /// flushed to the client.
    var burstReadAt: NIODeadline?
    /// The stream's first bytes have not reached the client yet.
    var firstEventPending = false

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

    init(
        client: any ExchangeClient, upstreamHead: UpstreamRequestHead, clientVersion: HTTPVersion, backend: Backend,
        policy: ExchangePolicy, upstreamTLS: UpstreamTLSClient? = nil
    ) {
        self.client = client
        self.upstreamTLS = upstreamTLS
        self.upstreamHead = upstreamHead
        self.backend = backend
        self.clientVersion = clientVersion
        self.idempotent = UpstreamRequestHead.isIdempotent(upstreamHead.method)
        self.requestedUpgrade = upstreamHead.requestsUpgrade
        self.headRequest = upstreamHead.method.isHEAD
        self.policy = policy
        if idempotent || policy.retry.conditions.contains(.nonIdempotent), !policy.retry.conditions.isEmpty {
            replayBody = []
        }
    }

    /// Whether the request can be sent again: nothing of its body went out, or all that did is
    /// kept (`replayBody`).
    var bodyReplayable: Bool {
        bodyBytesSent == 0 || replayBody != nil
    }

    /// Whether a failed attempt may be repeated: the body can be sent again and the method is
    /// idempotent.
    var isReplayable: Bool {
        bodyReplayable && idempotent
    }

    /// Counts `count` more body bytes from the client; false once the body has grown past the
    /// route's limit (`RequestBodyLimit`): the exchange is then to end with `413`.
    func admitsRequestBody(_ count: Int) -> Bool {
        guard policy.maxRequestBodyBytes != nil else { return true }
        bodyBytesReceived += Int64(count)
        return RequestBodyLimit.admits(bodyBytesReceived, limit: policy.maxRequestBodyBytes)
    }

    /// The response started: a replay can no longer happen, so the head is not needed anymore.
    func responseStarted(kind: ResponseKind) {
        responseKind = kind
        upstreamHead = nil
        if let loadSlot, loadSlot.tracksLatency { loadSlot.responseStarted(at: client.loop.now.uptimeNanoseconds) }
        metricsResponseStarted(kind: kind)
    }

    /// What a tunnel made of this exchange holds until it closes: its places under the client's
    /// in-flight cap and among its endpoint's requests in flight (nil: none).
    var tunnelHolds: (ClientLimitSlot?, EndpointLoadSlot?)? {
        limitSlot == nil && loadSlot == nil ? nil : (limitSlot, loadSlot)
    }

    /// How the client's head of a response of `kind` with `status` is made (see `ResponseHeadPlan`).
    func headPlan(kind: ResponseKind, closeClient: Bool, status: HTTPResponseStatus) -> ResponseHeadPlan {
        policy.headPlan(kind: kind, closeClient: closeClient, clientVersion: clientVersion, status: status)
    }
}

@available(*, unavailable)
extension ProxiedExchange: Sendable {}
