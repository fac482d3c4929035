import SluiceRouting

/// How an upstream attempt failed, as the route's `RetryPolicy` names failures.
enum UpstreamFailure: Equatable, Sendable {
    /// The connect (or TLS handshake) failed: nothing of the request reached the upstream.
    case connect
    /// The connect timed out: nothing of the request reached the upstream.
    case connectTimeout
    /// The connection closed (or sent what is no response) before a response head.
    case closedBeforeResponse
    /// No response head came within the read timeout.
    case readTimeout
    /// A response head with this status arrived (and went nowhere yet).
    case status(Int)
}

/// Whether a failed attempt goes to another endpoint: a pure function of the failure, the
/// route's `RetryPolicy` and what the exchange has done so far. The exchange asks it
/// (`ProxiedExchange.retried(after:)`) wherever an attempt fails before its response started.
///
/// Never once a response byte (an interim `1xx` included) reached the client: a stream is never
/// replayed. Never for a request whose body is not held whole (see `maxReplayBodyBytes`). A
/// request that may have reached the upstream is retried only if its method is idempotent or
/// the policy says `non_idempotent`, as nginx does; a failed connect sent nothing, so any
/// method is retried.
enum RetryDecision {
    /// Request bodies up to this size are kept while they go upstream, so a retry can send them
    /// again; a larger body is not kept and its request is retried only if the connect failed
    /// (nothing was sent: the body still waits in the exchange). nginx buffers whole bodies
    /// (`proxy_request_buffering on`); Sluice streams them, and keeps this much.
    static let maxReplayBodyBytes = 64 * 1024

    /// What the exchange knows when an attempt failed.
    struct Attempt: Equatable {
        /// Attempts made, the failed one included.
        var attempts: Int
        /// The request's method is idempotent (RFC 9110 §9.2.2).
        var idempotent: Bool
        /// The body can be sent again: none was sent yet, or all of it sent is held.
        var bodyReplayable: Bool
        /// Some of the response (an interim head included) went to the client.
        var clientReceivedResponse: Bool
        /// Since the request arrived.
        var elapsed: Duration
        /// An endpoint not tried yet is there.
        var untriedEndpointLeft: Bool
    }

    static func retries(_ failure: UpstreamFailure, policy: RetryPolicy, attempt: Attempt) -> Bool {
        guard !attempt.clientReceivedResponse, attempt.bodyReplayable, attempt.untriedEndpointLeft else { return false }
        guard !policy.conditions.isDisjoint(with: conditions(covering: failure)) else { return false }
        switch failure {
        case .connect, .connectTimeout: break
        case .closedBeforeResponse, .readTimeout, .status:
            guard attempt.idempotent || policy.conditions.contains(.nonIdempotent) else { return false }
        }
        if policy.tries > 0, attempt.attempts >= policy.tries { return false }
        if let limit = policy.timeout, attempt.elapsed >= limit { return false }
        return true
    }

    /// The `proxy-next-upstream` words of which any one retries `failure`: a connection that
    /// broke before its head is an `error`, and one that sent what is no head too
    /// (`invalid_header`: the upstream decoder reports both alike).
    private static func conditions(covering failure: UpstreamFailure) -> RetryPolicy.Conditions {
        switch failure {
        case .connect: .error
        case .connectTimeout, .readTimeout: .timeout
        case .closedBeforeResponse: [.error, .invalidHeader]
        case .status(let code): RetryPolicy.Conditions.status(code) ?? []
        }
    }
}
