/// Fails with ``TimedOut`` when `body` does not finish within `seconds`: a guard against hangs,
/// not a speed check (limits are generous).
public func withTimeout<T: Sendable>(
    seconds: Double = 20,
    _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            throw TimedOut()
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}

/// What ``withTimeout(seconds:_:)`` throws.
public struct TimedOut: Error {
    public init() {}
}
