import SluiceRouting

/// The per-request decisions of load balancing (`LoadBalancing`), as pure functions of what
/// they are given: an index into the backend's endpoints. The state they read (turns, requests
/// in flight, latencies) is kept by `EndpointBalancer` and `EndpointLoad`.
enum EndpointChoice {
    /// Up to this many endpoints, `leastLoaded` looks at every one; beyond, at two chosen at
    /// random (power of two choices: nearly as even, and a constant cost).
    static let exhaustiveLimit = 16

    /// The endpoint (of `count`) with the fewest requests in flight, `inFlight(index)`; ties
    /// broken at random.
    static func leastLoaded(
        count: Int, inFlight: (Int) -> Int, random: inout some RandomNumberGenerator
    ) -> Int {
        guard count > 1 else { return 0 }
        guard count <= exhaustiveLimit else {
            let (first, second) = twoDistinct(below: count, random: &random)
            return inFlight(second) < inFlight(first) ? second : first
        }
        var best = 0
        var lowest = Int.max
        var ties = 0
        for index in 0..<count {
            let load = inFlight(index)
            if load < lowest {
                (best, lowest, ties) = (index, load, 1)
            } else if load == lowest {
                // Each of the k tied so far is kept with probability 1/k (reservoir sampling).
                ties += 1
                if random.next(upperBound: UInt64(ties)) == 0 { best = index }
            }
        }
        return best
    }

    /// Of two endpoints (of `count`) chosen at random, the one that costs less
    /// (`PeakEWMA.cost`), as ingress-nginx's `ewma` balancer picks; either on a tie.
    static func lowerCostOfTwo(count: Int, cost: (Int) -> Double, random: inout some RandomNumberGenerator) -> Int {
        guard count > 1 else { return 0 }
        let (first, second) = twoDistinct(below: count, random: &random)
        return cost(second) < cost(first) ? second : first
    }

    /// The endpoint `key` belongs to by rendezvous (highest random weight) hashing: each
    /// endpoint's score is a hash of the key and the endpoint's address, and the highest wins.
    /// Only the keys of an endpoint that leaves move (each to wherever its next-highest score
    /// is), and a new endpoint takes about 1/N of the keys from the others; no ring to build
    /// when the endpoints change, and every replica agrees (`FNV1a`, no per-process seed).
    static func rendezvous(key: UInt64, endpoints: [Endpoint]) -> Int {
        var best = 0
        var highest: UInt64 = 0
        for (index, endpoint) in endpoints.enumerated() {
            let score = mix(key ^ addressHash(endpoint))
            if index == 0 || score > highest { (best, highest) = (index, score) }
        }
        return best
    }

    /// The endpoint after `failed` in the backend's order that is not in `tried` (for a retry),
    /// or nil when every endpoint was tried.
    static func untried(after failed: Endpoint, tried: [Endpoint], in endpoints: [Endpoint]) -> Endpoint? {
        guard !endpoints.isEmpty else { return nil }
        let start = endpoints.firstIndex(of: failed) ?? endpoints.count - 1
        for offset in 1...endpoints.count {
            let candidate = endpoints[(start + offset) % endpoints.count]
            if candidate != failed, !tried.contains(candidate) { return candidate }
        }
        return nil
    }

    private static func twoDistinct(below count: Int, random: inout some RandomNumberGenerator) -> (Int, Int) {
        let first = Int(random.next(upperBound: UInt64(count)))
        let second = (first + 1 + Int(random.next(upperBound: UInt64(count - 1)))) % count
        return (first, second)
    }

    private static func addressHash(_ endpoint: Endpoint) -> UInt64 {
        var hash = FNV1a()
        hash.add(endpoint.host.utf8)
        hash.add(UInt8(truncatingIfNeeded: endpoint.port >> 8))
        hash.add(UInt8(truncatingIfNeeded: endpoint.port))
        return hash.value
    }

    /// A 64-bit finalizer (MurmurHash3's `fmix64`): every bit of the input moves every bit of
    /// the output, so the scores of one key are independent across endpoints.
    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 33)) &* 0xff51_afd7_ed55_8ccd
        z = (z ^ (z >> 33)) &* 0xc4ce_b9fe_1a85_ec53
        return z ^ (z >> 33)
    }
}
