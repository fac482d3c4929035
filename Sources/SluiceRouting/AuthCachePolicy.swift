/// How external auth decisions are cached (`auth-cache-key`, `auth-cache-duration`): the key's
/// template, the auth service's statuses whose allow is kept, and for how long.
public struct AuthCachePolicy: Hashable, Sendable {
    /// The pieces of the key: literal text and request variables.
    public var key: [RequestKeyPart]
    /// The `2xx` statuses whose decision is kept (`auth-cache-duration` may list others, which
    /// would be denials: those are never cached).
    public var statuses: Set<Int>
    public var duration: Duration

    public init(key: [RequestKeyPart], statuses: Set<Int>, duration: Duration) {
        self.key = key
        self.statuses = statuses
        self.duration = duration
    }
}
