import NIOCore
import SluiceMetrics

/// Where one histogram lives in a row of `LoopOwnedCounters`: its sum at `offset`, then its
/// buckets.
struct HistogramSlot: Sendable {
    let offset: Int
    let buckets: HistogramBuckets

    /// Counters it takes.
    var width: Int { 1 + buckets.count }

    @inline(__always)
    func observe(_ nanoseconds: Int64, in counters: LoopOwnedCounters) {
        counters.add(Int(nanoseconds), at: offset)
        counters.add(1, at: offset + 1 + buckets.index(of: nanoseconds))
    }

    func snapshot(of counters: LoopOwnedCounters) -> HistogramSnapshot {
        HistogramSnapshot(sumNanoseconds: counters.load(offset), buckets: (0..<buckets.count).map { counters.load(offset + 1 + $0) })
    }
}

/// One route's streaming and traffic metrics on one event loop, in one row of counters that
/// loop writes: time to the upstream's first byte, to a stream's first event, the flush delay of
/// each relayed read, bytes from and to clients, and per stream kind the streams opened, their
/// durations and how they ended.
final class RouteStreamCounters: Sendable {
    /// The layout, the same for every route.
    struct Layout: Sendable {
        let firstByte: HistogramSlot
        let firstEvent: HistogramSlot
        let flushDelay: HistogramSlot
        /// Request body bytes forwarded upstream, and what tunnels carried from clients.
        let receivedBytes: Int
        /// Response bytes written to clients (heads included), and what tunnels carried to them.
        let sentBytes: Int
        /// Per `StreamKind`: streams opened, then the duration histogram, then one counter per
        /// `StreamEndReason`.
        let kinds: [Int]
        let duration: HistogramBuckets
        let width: Int

        init() {
            firstByte = HistogramSlot(offset: 0, buckets: .latency)
            firstEvent = HistogramSlot(offset: firstByte.offset + firstByte.width, buckets: .latency)
            flushDelay = HistogramSlot(offset: firstEvent.offset + firstEvent.width, buckets: .flushDelay)
            duration = .requestDuration
            let kindWidth = 1 + (1 + duration.count) + StreamEndReason.allCases.count
            receivedBytes = flushDelay.offset + flushDelay.width
            sentBytes = receivedBytes + 1
            let first = sentBytes + 1
            kinds = StreamKind.allCases.map { first + $0.rawValue * kindWidth }
            width = first + StreamKind.allCases.count * kindWidth
        }

        func opened(_ kind: StreamKind) -> Int { kinds[kind.rawValue] }
        func duration(_ kind: StreamKind) -> HistogramSlot { HistogramSlot(offset: kinds[kind.rawValue] + 1, buckets: duration) }
        func ended(_ kind: StreamKind, _ reason: StreamEndReason) -> Int {
            kinds[kind.rawValue] + 2 + duration.count + reason.rawValue
        }
    }

    static let layout = Layout()
    let counters = LoopOwnedCounters(count: RouteStreamCounters.layout.width)

    /// Request sent upstream → the response's first byte.
    func observeFirstByte(_ elapsed: TimeAmount) { Self.layout.firstByte.observe(elapsed.nanoseconds, in: counters) }
    /// Request head received → a stream's first body bytes handed to the client socket.
    func observeFirstEvent(_ elapsed: TimeAmount) { Self.layout.firstEvent.observe(elapsed.nanoseconds, in: counters) }
    /// A stream's read burst from the upstream → handed to the client socket.
    @inline(__always)
    func observeFlushDelay(_ elapsed: TimeAmount) { Self.layout.flushDelay.observe(elapsed.nanoseconds, in: counters) }

    func bytesReceived(_ count: Int) { counters.add(count, at: Self.layout.receivedBytes) }
    func bytesSent(_ count: Int) { counters.add(count, at: Self.layout.sentBytes) }

    func streamOpened(_ kind: StreamKind) { counters.add(1, at: Self.layout.opened(kind)) }

    func streamEnded(_ kind: StreamKind, reason: StreamEndReason, lasted: TimeAmount) {
        Self.layout.duration(kind).observe(lasted.nanoseconds, in: counters)
        counters.add(1, at: Self.layout.ended(kind, reason))
    }
}

extension HistogramBuckets {
    /// Times to a first byte or first event: 0.5 ms to 1 min.
    static let latency = HistogramBuckets(
        seconds: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60])
    /// The proxy's own delay per relayed read: 5 µs to 100 ms.
    static let flushDelay = HistogramBuckets(
        seconds: [0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1])
}

/// A stream being timed from its request head: the counters of its route, its kind and when its
/// request arrived. Ended once, with its reason (``end(_:now:)``).
struct StreamMetricsRecord {
    let counters: RouteStreamCounters
    let kind: StreamKind
    let startedAt: NIODeadline

    func end(_ reason: StreamEndReason, now: NIODeadline) {
        counters.streamEnded(kind, reason: reason, lasted: now - startedAt)
    }
}
