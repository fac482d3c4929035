import Atomics
import NIOConcurrencyHelpers
import SluiceRouting

/// What every event loop knows of one endpoint for `least_streams` and `ewma`: its requests in
/// flight (open streams and tunnels included) and its latency (`PeakEWMA`). Only requests of
/// routes balanced that way are counted (`LoadBalancing.countsInFlight`); other routes never
/// touch it.
///
/// Kept by address in `EndpointLoads`, which outlives routing tables: a new table finds the
/// counts of the endpoints it keeps.
final class EndpointLoad: Sendable {
    let endpoint: Endpoint
    private let inFlightCount = ManagedAtomic<Int>(0)
    private let latency = NIOLockedValueBox(PeakEWMA())

    init(endpoint: Endpoint) {
        self.endpoint = endpoint
    }

    /// Requests in flight to the endpoint, from every event loop.
    var inFlight: Int { inFlightCount.load(ordering: .relaxed) }

    /// What choosing the endpoint costs now (`PeakEWMA.cost`); `now` in monotonic nanoseconds.
    func cost(at now: UInt64) -> Double {
        let inFlight = self.inFlight
        return latency.withLockedValue { $0.cost(inFlight: inFlight, at: now) }
    }

    fileprivate func started() {
        inFlightCount.wrappingIncrement(ordering: .relaxed)
    }

    fileprivate func ended() {
        inFlightCount.wrappingDecrement(ordering: .relaxed)
    }

    fileprivate func observe(latency nanoseconds: UInt64, at now: UInt64) {
        latency.withLockedValue { $0.observe(latency: nanoseconds, at: now) }
    }
}

/// One request's place among its endpoint's requests in flight, from the choice until the
/// exchange, or the tunnel it became, lets go of it (as `ClientLimitSlot`).
final class EndpointLoadSlot: Sendable {
    let load: EndpointLoad
    /// When the endpoint was chosen (monotonic nanoseconds), for its latency.
    private let chosenAt: UInt64
    /// The route balances by latency (`ewma`): the response's start is observed.
    let tracksLatency: Bool

    init(_ load: EndpointLoad, at now: UInt64, tracksLatency: Bool) {
        self.load = load
        self.chosenAt = now
        self.tracksLatency = tracksLatency
        load.started()
    }

    /// The response's head arrived at `now`.
    func responseStarted(at now: UInt64) {
        guard tracksLatency else { return }
        load.observe(latency: now >= chosenAt ? now - chosenAt : 0, at: now)
    }

    deinit {
        load.ended()
    }
}

/// Every endpoint's `EndpointLoad`, by address, shared by the event loops of a data plane.
/// Looked up when a loop first balances a backend under a new table (each loop keeps the
/// backend's loads until its table changes: `EndpointBalancer`), never per request.
final class EndpointLoads: Sendable {
    private struct State {
        var loads: [Endpoint: EndpointLoad] = [:]
        /// Past this many entries, the next lookup drops the ones nothing holds.
        var pruneAbove = 1024
    }

    private let state = NIOLockedValueBox(State())

    /// The loads of `endpoints`, in their order.
    func loads(for endpoints: [Endpoint]) -> [EndpointLoad] {
        state.withLockedValue { state in
            if state.loads.count > state.pruneAbove { Self.prune(&state) }
            return endpoints.map { endpoint in
                if let load = state.loads[endpoint] { return load }
                let load = EndpointLoad(endpoint: endpoint)
                state.loads[endpoint] = load
                return load
            }
        }
    }

    /// Requests in flight to `endpoint` counted so far (0 for one never balanced by count).
    func inFlight(to endpoint: Endpoint) -> Int {
        state.withLockedValue { $0.loads[endpoint]?.inFlight ?? 0 }
    }

    /// Drops the loads no loop and no request holds (only this table does): with no request
    /// holding it, none is in flight, and a later lookup makes a new one that starts where it
    /// stood, except for the latency, learned again.
    private static func prune(_ state: inout State) {
        var unheld: [Endpoint] = []
        for index in state.loads.values.indices where isKnownUniquelyReferenced(&state.loads.values[index]) {
            unheld.append(state.loads.keys[index])
        }
        for endpoint in unheld { state.loads[endpoint] = nil }
        state.pruneAbove = max(1024, state.loads.count * 2)
    }
}
