import NIOConcurrencyHelpers
import SluiceRouting

/// The counts behind `ClientLimits`, per Ingress and client address, for the whole replica: one
/// table under a lock, shared by the event loops (a client's requests spread over loops, and a
/// limit per loop would multiply it by their number). Only requests on routes with limits touch
/// it: one lock round per admission, one per release.
///
/// The table is bounded (`maxEntries`): a new client beyond it first evicts the clients with
/// nothing in flight and a full bucket (nothing to remember); if none can go, the request is
/// refused (these limits guard access, so they fail closed).
final class ClientLimiter: Sendable {
    struct Key: Hashable, Sendable {
        /// The Ingress whose annotations set the limits (`Route.source`).
        var ingress: String
        /// The client; nil: unknown (all unknown clients share one entry).
        var address: IPAddress?
    }

    private struct Entry {
        var inFlight = 0
        var buckets: [TokenBucket] = []
    }

    enum Admission {
        /// Go on; the request counts against the in-flight cap while `slot` lives (nil: no cap).
        case admitted(ClientLimitSlot?)
        /// Refused: try again after this many seconds (at least 1).
        case refused(retryAfter: Int)
    }

    private let table = NIOLockedValueBox<[Key: Entry]>([:])
    let maxEntries: Int

    init(maxEntries: Int = 100_000) {
        self.maxEntries = maxEntries
    }

    /// Admits a request of `key` under `limits` at `now` (monotonic nanoseconds), or refuses it.
    func admit(_ key: Key, limits: ClientLimits, now: UInt64) -> Admission {
        let refusal: Int? = table.withLockedValue { table in
            if table[key] == nil, table.count >= maxEntries {
                table = table.filter { $0.value.inFlight > 0 || !Self.isIdle($0.value, limits: limits, now: now) }
                guard table.count < maxEntries else { return 1 }
            }
            var entry = table[key] ?? Entry()
            if let cap = limits.maxInFlight, entry.inFlight >= cap { return 1 }
            if !limits.rates.isEmpty {
                var buckets = entry.buckets.count == limits.rates.count
                    ? entry.buckets : limits.rates.map { TokenBucket(rate: $0, now: now) }
                let waits = zip(buckets.indices, limits.rates).compactMap { buckets[$0].wait(rate: $1, now: now) }
                if let wait = waits.max() {
                    return max(1, Int((Double(wait.nanoseconds) / 1e9).rounded(.up)))
                }
                for (index, rate) in zip(buckets.indices, limits.rates) { buckets[index].take(rate: rate, now: now) }
                entry.buckets = buckets
            }
            if limits.maxInFlight != nil { entry.inFlight += 1 }
            table[key] = entry
            return nil
        }
        if let refusal { return .refused(retryAfter: refusal) }
        return .admitted(limits.maxInFlight == nil ? nil : ClientLimitSlot(limiter: self, key: key))
    }

    /// Requests of `key` in flight (for tests and the table's eviction).
    func inFlight(_ key: Key) -> Int {
        table.withLockedValue { $0[key]?.inFlight ?? 0 }
    }

    fileprivate func release(_ key: Key) {
        table.withLockedValue { table in
            guard var entry = table[key] else { return }
            entry.inFlight = max(0, entry.inFlight - 1)
            if entry.inFlight == 0, entry.buckets.isEmpty {
                table[key] = nil
            } else {
                table[key] = entry
            }
        }
    }

    /// An entry with nothing in flight whose buckets are full (or absent) says nothing a new one
    /// would not. Judged by the admitting route's rates; an entry of other rates, by an hour
    /// without requests (any bucket of a rate per minute is full by then).
    private static func isIdle(_ entry: Entry, limits: ClientLimits, now: UInt64) -> Bool {
        guard entry.buckets.count == limits.rates.count else {
            return entry.buckets.allSatisfy { now &- $0.updatedAt > 3_600_000_000_000 }
        }
        return zip(entry.buckets, limits.rates).allSatisfy { $0.isFull(rate: $1, now: now) }
    }
}

/// One admitted request's place under its client's in-flight cap: released when the last holder
/// lets go of it (the exchange, or the tunnel an upgrade became).
final class ClientLimitSlot: Sendable {
    private let limiter: ClientLimiter
    private let key: ClientLimiter.Key

    fileprivate init(limiter: ClientLimiter, key: ClientLimiter.Key) {
        self.limiter = limiter
        self.key = key
    }

    deinit {
        limiter.release(key)
    }
}
