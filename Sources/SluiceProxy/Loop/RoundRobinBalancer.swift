import SluiceRouting

/// Round-robin over a backend's ready endpoints, one position per backend name. Each event loop
/// has its own (in `ProxyLoopContext`): no lock, and over several loops the spread stays even.
struct RoundRobinBalancer {
    private var positions: [String: Int] = [:]

    mutating func next(for backend: Backend) -> Endpoint? {
        guard backend.endpoints.count > 1 else { return backend.endpoints.first }
        let index = positions[backend.name, default: 0]
        positions[backend.name] = index &+ 1
        return backend.endpoints[index % backend.endpoints.count]
    }

    /// The endpoint after `excluded` in the backend's order (for a retry), or nil when there is
    /// no other.
    static func next(for backend: Backend, excluding excluded: Endpoint) -> Endpoint? {
        let endpoints = backend.endpoints
        guard let index = endpoints.firstIndex(of: excluded) else { return endpoints.first }
        for offset in 1..<max(endpoints.count, 1) {
            let candidate = endpoints[(index + offset) % endpoints.count]
            if candidate != excluded { return candidate }
        }
        return nil
    }
}
