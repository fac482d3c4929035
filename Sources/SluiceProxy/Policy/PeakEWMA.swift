#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One endpoint's latency as the `ewma` balancer judges it (after ingress-nginx's balancer and
/// Finagle's peak EWMA it follows): an average of its times to the response head that forgets at
/// a rate of e per `decayTime`, jumps straight up to a slower time (a slow endpoint is avoided at
/// once), and drifts back toward zero while nothing is observed, so that an endpoint avoided
/// for a while is tried again. A pure value; `EndpointLoad` keeps one per endpoint.
struct PeakEWMA: Hashable, Sendable {
    /// Ingress-nginx's (10 s).
    static let decayTime: Double = 10_000_000_000
    /// The average, in nanoseconds, as of `updatedAt`; nil before the first observation.
    private(set) var average: Double?
    /// When `average` was last set, in monotonic nanoseconds.
    private(set) var updatedAt: UInt64 = 0

    /// Takes in a response head that came `latency` nanoseconds after its request, at `now`:
    /// weighed against the average by the time since the last one (an observation after a long
    /// silence counts almost alone), or taking its place when slower.
    mutating func observe(latency: UInt64, at now: UInt64) {
        let sample = Double(latency)
        if let average, sample <= average {
            let weight = Self.weight(from: updatedAt, to: now)
            self.average = average * weight + sample * (1 - weight)
        } else {
            average = sample
        }
        updatedAt = max(updatedAt, now)
    }

    /// The average decayed toward zero by the time since it was set (nanoseconds); nil before
    /// the first observation.
    func score(at now: UInt64) -> Double? {
        guard let average else { return nil }
        return average * Self.weight(from: updatedAt, to: now)
    }

    /// What choosing the endpoint costs with `inFlight` requests already on it: its score times
    /// one more than those (a fast endpoint with a queue is as bad as a slow one without). An
    /// endpoint never observed costs nothing while idle and the most while busy, so that a new
    /// endpoint gets one request at a time until its first answer says how fast it is.
    func cost(inFlight: Int, at now: UInt64) -> Double {
        guard let score = score(at: now) else { return inFlight == 0 ? 0 : .greatestFiniteMagnitude }
        return score * Double(inFlight + 1)
    }

    private static func weight(from then: UInt64, to now: UInt64) -> Double {
        now > then ? exp(-Double(now - then) / decayTime) : 1
    }
}
