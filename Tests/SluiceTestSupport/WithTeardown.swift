/// Runs `body`, then `teardown` whether `body` returned or threw, and waits for `teardown` to
/// finish before returning: the scope of a test's server ends inside the test, not in a task
/// nobody waits for.
///
/// A failure of `body` is the one rethrown (it is the test's failure). A failure of `teardown`
/// is thrown when `body` succeeded, so a teardown that fails is seen instead of lost.
public func withTeardown<T>(
    isolation: isolated (any Actor)? = #isolation,
    _ body: () async throws -> T,
    teardown: () async throws -> Void
) async throws -> T {
    let outcome: Result<T, any Error>
    do {
        outcome = .success(try await body())
    } catch {
        outcome = .failure(error)
    }
    do {
        try await teardown()
    } catch {
        if case .success = outcome { throw error }
    }
    return try outcome.get()
}
