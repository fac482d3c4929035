import SluiceRouting
import Testing

@testable import SluiceProxy

/// `RetryDecision` as a table: which failures the policy names, methods, replayable bodies,
/// what the client already has, tries, the time limit and the endpoints left.
@Suite("Retry decision")
struct RetryDecisionTests {
    private static let fresh = RetryDecision.Attempt(
        attempts: 1, idempotent: true, bodyReplayable: true, clientReceivedResponse: false, elapsed: .zero,
        untriedEndpointLeft: true)

    private static func attempt(_ change: (inout RetryDecision.Attempt) -> Void) -> RetryDecision.Attempt {
        var attempt = fresh
        change(&attempt)
        return attempt
    }

    @Test func theDefaultRetriesErrorsAndTimeoutsButNoStatus() {
        let policy = RetryPolicy.default
        #expect(RetryDecision.retries(.connect, policy: policy, attempt: Self.fresh))
        #expect(RetryDecision.retries(.connectTimeout, policy: policy, attempt: Self.fresh))
        #expect(RetryDecision.retries(.closedBeforeResponse, policy: policy, attempt: Self.fresh))
        #expect(RetryDecision.retries(.readTimeout, policy: policy, attempt: Self.fresh))
        for status in [500, 502, 503, 504, 403, 404, 429, 200, 501] {
            #expect(!RetryDecision.retries(.status(status), policy: policy, attempt: Self.fresh))
        }
    }

    @Test func eachStatusWordRetriesItsStatusOnly() {
        for (condition, word) in RetryPolicy.Conditions.words where word.hasPrefix("http_") {
            let code = Int(word.dropFirst(5))!
            let policy = RetryPolicy(conditions: condition)
            #expect(RetryDecision.retries(.status(code), policy: policy, attempt: Self.fresh))
            #expect(!RetryDecision.retries(.status(code == 502 ? 503 : 502), policy: policy, attempt: Self.fresh))
            #expect(!RetryDecision.retries(.connect, policy: policy, attempt: Self.fresh))
        }
    }

    @Test func offRetriesNothing() {
        let off = RetryPolicy(conditions: [])
        for failure: UpstreamFailure in [.connect, .connectTimeout, .closedBeforeResponse, .readTimeout, .status(502)] {
            #expect(!RetryDecision.retries(failure, policy: off, attempt: Self.fresh))
        }
    }

    @Test func invalidHeaderCoversAConnectionThatBrokeBeforeItsHead() {
        let policy = RetryPolicy(conditions: .invalidHeader)
        #expect(RetryDecision.retries(.closedBeforeResponse, policy: policy, attempt: Self.fresh))
        #expect(!RetryDecision.retries(.connect, policy: policy, attempt: Self.fresh))
    }

    /// A `POST` that may have reached the upstream goes again only under `non_idempotent`; a
    /// failed connect sent nothing, so it goes again anyway.
    @Test func nonIdempotentMethodsNeedTheirWord() {
        let post = Self.attempt { $0.idempotent = false }
        let plain = RetryPolicy(conditions: [.error, .timeout, .http502])
        #expect(RetryDecision.retries(.connect, policy: plain, attempt: post))
        #expect(RetryDecision.retries(.connectTimeout, policy: plain, attempt: post))
        #expect(!RetryDecision.retries(.status(502), policy: plain, attempt: post))
        #expect(!RetryDecision.retries(.closedBeforeResponse, policy: plain, attempt: post))
        #expect(!RetryDecision.retries(.readTimeout, policy: plain, attempt: post))
        let anyMethod = RetryPolicy(conditions: [.error, .timeout, .http502, .nonIdempotent])
        #expect(RetryDecision.retries(.status(502), policy: anyMethod, attempt: post))
        #expect(RetryDecision.retries(.closedBeforeResponse, policy: anyMethod, attempt: post))
    }

    /// Never once the client has any of a response (a stream is never replayed), nor a body
    /// that is not held, nor with no endpoint left to try.
    @Test func neverAfterTheClientGotBytesOrWithoutABodyOrAnEndpoint() {
        let everything = RetryPolicy(conditions: RetryPolicy.Conditions(rawValue: 0x7FF), tries: 0)
        for failure: UpstreamFailure in [.connect, .closedBeforeResponse, .readTimeout, .status(502)] {
            #expect(RetryDecision.retries(failure, policy: everything, attempt: Self.fresh))
            #expect(!RetryDecision.retries(failure, policy: everything, attempt: Self.attempt { $0.clientReceivedResponse = true }))
            #expect(!RetryDecision.retries(failure, policy: everything, attempt: Self.attempt { $0.bodyReplayable = false }))
            #expect(!RetryDecision.retries(failure, policy: everything, attempt: Self.attempt { $0.untriedEndpointLeft = false }))
        }
    }

    @Test func triesCountEveryAttemptAndZeroMeansNoLimit() {
        let three = RetryPolicy(conditions: .error, tries: 3)
        #expect(RetryDecision.retries(.connect, policy: three, attempt: Self.attempt { $0.attempts = 2 }))
        #expect(!RetryDecision.retries(.connect, policy: three, attempt: Self.attempt { $0.attempts = 3 }))
        let one = RetryPolicy(conditions: .error, tries: 1)
        #expect(!RetryDecision.retries(.connect, policy: one, attempt: Self.fresh))
        let unlimited = RetryPolicy(conditions: .error, tries: 0)
        #expect(RetryDecision.retries(.connect, policy: unlimited, attempt: Self.attempt { $0.attempts = 50 }))
    }

    @Test func noRetryStartsAfterTheTimeLimit() {
        let policy = RetryPolicy(conditions: .error, tries: 0, timeout: .seconds(5))
        #expect(RetryDecision.retries(.connect, policy: policy, attempt: Self.attempt { $0.elapsed = .seconds(4) }))
        #expect(!RetryDecision.retries(.connect, policy: policy, attempt: Self.attempt { $0.elapsed = .seconds(5) }))
    }
}
