import NIOCore
import NIOHTTP1
import SluiceRouting

/// The policies in force for one exchange: its route's compiled `RoutePolicy`, resolved for the
/// request (whether its path is a declared event stream). Decided once, by
/// `RequestDecision.decide`; every per-exchange policy question is answered here, where it is
/// tested without a channel (`ExchangePolicyTests`), and read where it applies: the deadlines,
/// backpressure, compression and the response-head plan.
///
/// It keeps only what an exchange uses, as the event loop's `TimeAmount`s: an idle stream holds
/// one, and the deadlines read it on every event.
struct ExchangePolicy: Equatable, Sendable {
    /// The route declares the request's path an event stream (`sse-paths`): its response is one
    /// whatever its `Content-Type`, and its idle timeout is the stream's from the start.
    let declaredEventStream: Bool
    let connectTimeout: TimeAmount
    let sendTimeout: TimeAmount
    private let readTimeout: TimeAmount
    private let streamIdleTimeout: TimeAmount
    private let streamCap: TimeAmount?
    private let buffering: Bool
    /// The route compresses ordinary responses (see ``compression(of:kind:clientVersion:)``).
    let compression: Bool
    /// The coding the client's `Accept-Encoding` prefers (nil: none; only read on a route that
    /// compresses).
    let clientCoding: AcceptEncoding?
    /// Fields every response of the exchange gets (`Strict-Transport-Security` over TLS).
    let responseFields: [ResponseField]
    /// How the backend is spoken to (`backend-protocol`): which pool an attempt draws from, and
    /// whether its responses are gRPC streams.
    let upstreamProtocol: UpstreamProtocol
    /// The largest request body accepted, in bytes (`RequestBodyLimit`); nil: no limit.
    let maxRequestBodyBytes: Int64?
    /// When a failed attempt goes to another endpoint (`RetryDecision`).
    let retry: RetryPolicy
    /// The statuses replaced by an error backend's page (`ErrorPageDecision`); nil: none.
    let errorPages: ErrorPages?
    /// Fields an external auth service's allow adds to the response (its `Set-Cookie`s): on a
    /// success or redirect, or with `authFieldsOnEveryStatus` (`auth-always-set-cookie`) on any.
    var authResponseFields: [ResponseField] = []
    var authFieldsOnEveryStatus = false
    /// The sticky session's `Set-Cookie` (`StickyCookie`), on every response: ingress-nginx sets
    /// it when the endpoint is chosen, whatever the status.
    var affinityResponseFields: [ResponseField] = []

    init(
        route: RoutePolicy, declaredEventStream: Bool, clientCoding: AcceptEncoding? = nil,
        responseFields: [ResponseField] = [], maxRequestBodyBytes: Int64? = nil, errorPages: ErrorPages? = nil
    ) {
        self.declaredEventStream = declaredEventStream
        self.connectTimeout = TimeAmount(route.connectTimeout)
        self.sendTimeout = TimeAmount(route.sendTimeout)
        self.readTimeout = TimeAmount(route.readTimeout)
        self.streamIdleTimeout = TimeAmount(route.streamIdleTimeout)
        self.streamCap = route.maxStreamDuration.map(TimeAmount.init)
        self.buffering = route.buffering
        self.compression = route.compression
        self.clientCoding = clientCoding
        self.responseFields = responseFields
        self.upstreamProtocol = route.upstreamProtocol
        self.maxRequestBodyBytes = maxRequestBodyBytes
        self.retry = route.retry
        self.errorPages = errorPages
    }

    /// The longest the upstream may stay silent: for a response of `kind`, or before the response
    /// starts (`nil`). Streams get the stream idle timeout, ordinary responses the read timeout.
    /// A gRPC response is a stream (a server-streaming call may send its next message minutes
    /// later): the read timeout bounds only the wait for its head.
    func idleTimeout(for kind: ResponseKind?) -> TimeAmount {
        switch kind {
        case .eventStream?, .upgrade?, .grpc?: return streamIdleTimeout
        case .ordinary?: return readTimeout
        case nil: return declaredEventStream ? streamIdleTimeout : readTimeout
        }
    }

    /// The total life a response of `kind` may have, if capped (`max-stream-duration`, for
    /// streams only).
    func lifetimeCap(for kind: ResponseKind) -> TimeAmount? {
        kind == .ordinary ? nil : streamCap
    }

    /// Whether the upstream may still be read while the client is slow, `buffered` bytes being
    /// held for it: only an ordinary response on a buffering route, up to `limit` bytes (nginx's
    /// `proxy_buffering on`: the upstream finishes early and its connection goes back to the
    /// pool). Streams are never buffered.
    func buffersForSlowClient(kind: ResponseKind?, buffered: Int, limit: Int) -> Bool {
        kind == .ordinary && buffering && buffered < limit
    }

    /// What compression does to the response `head` of `kind` (see `ResponseCompression`): the
    /// one place it is decided. A `HEAD`'s is decided as its `GET`'s would be, so that its head
    /// says what the `GET`'s would; the writer sends it no body.
    func compression(of head: HTTPResponseHead, kind: ResponseKind, clientVersion: HTTPVersion) -> ResponseCompression {
        guard ResponseCompression.allows(head, kind: kind, compressionOn: compression, clientVersion: clientVersion) else {
            return .off
        }
        return clientCoding.map(ResponseCompression.compress) ?? .varyOnly
    }

    /// The plan of the client's head for a response of `kind` with `status` (the one place a
    /// response edit is decided: see `ResponseHeadPlan`).
    func headPlan(kind: ResponseKind, closeClient: Bool, clientVersion: HTTPVersion, status: HTTPResponseStatus) -> ResponseHeadPlan {
        let fields = affinityResponseFields.isEmpty ? responseFields : responseFields + affinityResponseFields
        guard !authResponseFields.isEmpty, authFieldsOnEveryStatus || Self.addHeaderStatuses.contains(status.code) else {
            return ResponseHeadPlan(kind: kind, closeClient: closeClient, clientVersion: clientVersion, policyFields: fields)
        }
        return ResponseHeadPlan(
            kind: kind, closeClient: closeClient, clientVersion: clientVersion, policyFields: fields + authResponseFields)
    }

    /// The statuses nginx's `add_header` (without `always`) adds to: successes and redirects.
    static let addHeaderStatuses: Set<UInt> = [200, 201, 204, 206, 301, 302, 303, 304, 307, 308]
}
