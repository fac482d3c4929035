import SluiceRouting
import Testing

@testable import SluiceProxy

/// The pure decisions of load balancing (`EndpointChoice`): consistent hashing moves only the
/// keys of an endpoint that leaves, least-loaded picks the fewest in flight and breaks ties at
/// random, and `after` names a retry's endpoint.
@Suite("Endpoint choice")
struct EndpointChoiceTests {
    private static func endpoints(_ count: Int) -> [Endpoint] {
        (1...count).map { Endpoint(host: "10.1.\($0 / 256).\($0 % 256)", port: 8080) }
    }

    private static func keyHash(_ text: String) -> UInt64 {
        var hash = FNV1a()
        hash.add(text.utf8)
        return hash.value
    }

    @Test func removingOneOfTenEndpointsMovesOnlyItsKeys() throws {
        let all = Self.endpoints(10)
        let removed = all[3]
        let remaining = all.filter { $0 != removed }
        var perEndpoint: [Endpoint: Int] = [:]
        var moved = 0
        for key in 0..<10_000 {
            let hash = Self.keyHash("user-\(key)")
            let before = all[EndpointChoice.rendezvous(key: hash, endpoints: all)]
            let after = remaining[EndpointChoice.rendezvous(key: hash, endpoints: remaining)]
            perEndpoint[before, default: 0] += 1
            if before != after {
                moved += 1
                // Only the keys of the endpoint that left move.
                #expect(before == removed)
            }
        }
        #expect(moved <= 1_500, "\(moved) of 10,000 keys moved")
        #expect(moved == perEndpoint[removed])
        // Every endpoint has about a tenth of the keys.
        for (endpoint, count) in perEndpoint {
            #expect((700...1_300).contains(count), "\(endpoint) has \(count) keys")
        }
    }

    @Test func addingAnEndpointTakesAboutItsShareAndMovesNothingElse() {
        let nine = Self.endpoints(9)
        let ten = Self.endpoints(10)
        var moved = 0
        for key in 0..<10_000 {
            let hash = Self.keyHash("session-\(key)")
            let before = nine[EndpointChoice.rendezvous(key: hash, endpoints: nine)]
            let after = ten[EndpointChoice.rendezvous(key: hash, endpoints: ten)]
            if before != after {
                moved += 1
                #expect(after == ten[9])
            }
        }
        #expect((700...1_300).contains(moved), "\(moved) keys moved")
    }

    @Test func theOrderOfEndpointsDoesNotMatter() {
        let endpoints = Self.endpoints(7)
        for key in 0..<500 {
            let hash = Self.keyHash("k\(key)")
            #expect(
                endpoints[EndpointChoice.rendezvous(key: hash, endpoints: endpoints)]
                    == endpoints.reversed()[EndpointChoice.rendezvous(key: hash, endpoints: endpoints.reversed())])
        }
    }

    @Test func leastLoadedTakesTheFewestInFlight() {
        var random = RequestIDGenerator(seed: 1)
        let loads = [50, 3, 7, 2, 9]
        for _ in 0..<100 {
            #expect(EndpointChoice.leastLoaded(count: loads.count, inFlight: { loads[$0] }, random: &random) == 3)
        }
    }

    @Test func leastLoadedBreaksTiesAtRandom() {
        var random = RequestIDGenerator(seed: 2)
        let loads = [4, 1, 9, 1, 1]
        var picked: [Int: Int] = [:]
        for _ in 0..<3_000 {
            picked[EndpointChoice.leastLoaded(count: loads.count, inFlight: { loads[$0] }, random: &random), default: 0] += 1
        }
        #expect(Set(picked.keys) == [1, 3, 4])
        // Each tie about a third: far from 0 or all (binomial, n = 3,000, p = 1/3: sd ≈ 26).
        for (_, count) in picked { #expect((800...1_200).contains(count), "\(picked)") }
    }

    @Test func overManyEndpointsTwoRandomChoicesNeverTakeTheBusiest() {
        var random = RequestIDGenerator(seed: 3)
        let count = EndpointChoice.exhaustiveLimit + 20
        let loads = (0..<count).map { $0 == 5 ? 1_000 : $0 % 3 }
        var picked = Set<Int>()
        for _ in 0..<2_000 {
            let index = EndpointChoice.leastLoaded(count: count, inFlight: { loads[$0] }, random: &random)
            #expect(index != 5)
            picked.insert(index)
        }
        #expect(picked.count > count / 2)
    }

    @Test func aRetryGoesToTheNextOtherEndpoint() {
        let endpoints = Self.endpoints(3)
        #expect(EndpointChoice.untried(after: endpoints[2], tried: [], in: endpoints) == endpoints[0])
        #expect(EndpointChoice.untried(after: endpoints[0], tried: [], in: endpoints) == endpoints[1])
        #expect(EndpointChoice.untried(after: endpoints[0], tried: [], in: [endpoints[0]]) == nil)
        #expect(EndpointChoice.untried(after: Endpoint(host: "10.9.9.9", port: 1), tried: [], in: endpoints) == endpoints[0])
        #expect(EndpointChoice.untried(after: endpoints[0], tried: [], in: []) == nil)
    }

    @Test func aRetrySkipsEndpointsAlreadyTried() {
        let endpoints = Self.endpoints(3)
        #expect(EndpointChoice.untried(after: endpoints[1], tried: [endpoints[2]], in: endpoints) == endpoints[0])
        #expect(EndpointChoice.untried(after: endpoints[1], tried: [endpoints[0], endpoints[2]], in: endpoints) == nil)
        #expect(EndpointChoice.untried(after: endpoints[0], tried: [endpoints[1]], in: Array(endpoints.prefix(2))) == nil)
    }
}
