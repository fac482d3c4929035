import NIOConcurrencyHelpers
import SluiceRouting

/// Picks endpoints of a backend in turn. One counter per backend name, shared by every
/// connection of a `ProxyPipeline`, so consecutive requests spread over all endpoints.
final class RoundRobinBalancer: Sendable {
    private let counters = NIOLockedValueBox<[String: Int]>([:])

    /// The next endpoint of `backend`, or nil when it has none.
    func next(for backend: Backend) -> Endpoint? {
        guard backend.endpoints.count > 1 else { return backend.endpoints.first }
        let index = counters.withLockedValue { counters -> Int in
            let value = counters[backend.name, default: 0]
            counters[backend.name] = value &+ 1
            return value
        }
        return backend.endpoints[index % backend.endpoints.count]
    }

    /// The endpoint after `excluded` in `backend`'s list (wrapping), for a retry; nil when the
    /// backend has no other endpoint. Does not advance the round-robin counter.
    func next(for backend: Backend, excluding excluded: Endpoint) -> Endpoint? {
        let endpoints = backend.endpoints
        guard let index = endpoints.firstIndex(of: excluded) else { return endpoints.first }
        for offset in 1..<max(endpoints.count, 1) {
            let candidate = endpoints[(index + offset) % endpoints.count]
            if candidate != excluded { return candidate }
        }
        return nil
    }
}
