import SluiceRouting

/// One event loop's persistent sticky tokens (`StickySession.token`) of each backend's
/// endpoints, per token key, under its current table: an HMAC per endpoint once per table, not
/// per request.
struct StickyTokenCache {
    private struct Key: Hashable {
        var tokenKey: String
        var backend: String
    }

    private var generation: UInt64 = 0
    private var tokens: [Key: [String]] = [:]

    /// The tokens of `backend`'s endpoints, in their order.
    mutating func tokens(for backend: Backend, key: String, generation: UInt64) -> [String] {
        if generation != self.generation {
            tokens.removeAll()
            self.generation = generation
        }
        let cacheKey = Key(tokenKey: key, backend: backend.name)
        if let known = tokens[cacheKey], known.count == backend.endpoints.count { return known }
        let made = backend.endpoints.map { StickySession.token(for: $0, key: key) }
        tokens[cacheKey] = made
        return made
    }
}
