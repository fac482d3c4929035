import NIOHTTP1
import SluiceRouting

/// The policies in force for one exchange: its route's compiled `RoutePolicy`, resolved for the
/// request (whether its path is a declared event stream). Decided once, by
/// `RequestDecision.decide`; every per-exchange policy question is answered here, where it is
/// tested without a channel (`ExchangePolicyTests`), and read where it applies: the deadlines,
/// backpressure, compression and the response-head plan.
struct ExchangePolicy: Equatable, Sendable {
    let route: RoutePolicy
    /// The route declares the request's path an event stream (`sse-paths`): its response is one
    /// whatever its `Content-Type`, and its idle timeout is the stream's from the start.
    let declaredEventStream: Bool

    /// The longest the upstream may stay silent: for a response of `kind`, or before the response
    /// starts (`nil`). Streams get the stream idle timeout, ordinary responses the read timeout.
    func idleTimeout(for kind: ResponseKind?) -> Duration {
        switch kind {
        case .eventStream?, .upgrade?: return route.streamIdleTimeout
        case .ordinary?: return route.readTimeout
        case nil: return declaredEventStream ? route.streamIdleTimeout : route.readTimeout
        }
    }

    /// The total life a response of `kind` may have, if capped (`max-stream-duration`, for
    /// streams only).
    func lifetimeCap(for kind: ResponseKind) -> Duration? {
        kind == .ordinary ? nil : route.maxStreamDuration
    }

    /// Whether the upstream may still be read while the client is slow, `buffered` bytes being
    /// held for it: only an ordinary response on a buffering route, up to `limit` bytes (nginx's
    /// `proxy_buffering on`: the upstream finishes early and its connection goes back to the
    /// pool). Streams are never buffered.
    func buffersForSlowClient(kind: ResponseKind?, buffered: Int, limit: Int) -> Bool {
        kind == .ordinary && route.buffering && buffered < limit
    }

    /// Whether the response to this request may be compressed (see `ResponseCompression.allows`).
    func compresses(_ head: HTTPResponseHead, kind: ResponseKind, headRequest: Bool, clientVersion: HTTPVersion) -> Bool {
        ResponseCompression.allows(
            head, kind: kind, compressionOn: route.compression, headRequest: headRequest, clientVersion: clientVersion)
    }

    /// The plan of the client's head for a response of `kind` (the one place a response edit is
    /// decided: see `ResponseHeadPlan`).
    func headPlan(kind: ResponseKind, closeClient: Bool, clientVersion: HTTPVersion) -> ResponseHeadPlan {
        ResponseHeadPlan(kind: kind, closeClient: closeClient, clientVersion: clientVersion)
    }
}
