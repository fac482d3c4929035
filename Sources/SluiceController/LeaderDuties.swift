import Logging

/// What only the leader does, from the latest reconcile outcome: write Ingress status and emit
/// Events — two queues, so that a long status pass (10,000 Ingresses) never holds a Warning back,
/// and a failing Event never delays status. A failed write is retried with backoff, always from
/// the newest outcome.
public actor LeaderDuties {
    private var outcome: ReconcileOutcome?
    /// The Ingresses written since the status writer last looked (nil: all), gathered from
    /// every outcome, since only the newest outcome is applied.
    private var statusKeys: Set<String>?
    private var isLeader: Bool
    private let statusWriter: StatusWriter
    private let eventRecorder: EventRecorder
    private let retryBackoff: Backoff
    private let random: @Sendable () -> Double
    private let statusQueue = WakeSignal()
    private let eventQueue = WakeSignal()

    public init(
        statusWriter: StatusWriter, eventRecorder: EventRecorder, isLeader: Bool,
        retryBackoff: Backoff = Backoff(), random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.statusWriter = statusWriter
        self.eventRecorder = eventRecorder
        self.isLeader = isLeader
        self.retryBackoff = retryBackoff
        self.random = random
    }

    /// A new table was built (or, for status alone, the objects changed).
    public func reconciled(_ outcome: ReconcileOutcome) {
        self.outcome = outcome
        statusKeys = Self.union(statusKeys, outcome.ingressesWritten)
        statusQueue.wake()
        eventQueue.wake()
    }

    public func leadershipChanged(_ isLeader: Bool) {
        self.isLeader = isLeader
        if isLeader {
            statusKeys = nil
            statusQueue.wake()
            eventQueue.wake()
        }
    }

    /// Runs both queues until cancelled.
    public func run() async {
        var statusWriter = self.statusWriter
        var eventRecorder = self.eventRecorder
        async let status: Void = drain(statusQueue) { outcome in
            let keys = await self.takeStatusKeys()
            let written = await statusWriter.apply(outcome, examining: keys)
            if !written { await self.returnStatusKeys(keys) }
            return written
        }
        async let events: Void = drain(eventQueue) { await eventRecorder.apply($0) }
        _ = await (status, events)
    }

    private func takeStatusKeys() -> Set<String>? {
        defer { statusKeys = [] }
        return statusKeys
    }

    /// Keys taken for a pass that failed: looked at again on the retry.
    private func returnStatusKeys(_ keys: Set<String>?) {
        statusKeys = Self.union(statusKeys, keys)
    }

    /// Each time `queue` wakes, applies the newest outcome until it succeeds (with backoff) or
    /// leadership ends.
    private func drain(_ queue: WakeSignal, _ apply: (ReconcileOutcome) async -> Bool) async {
        var backoff = retryBackoff
        for await _ in queue.wakeups {
            while isLeader, let outcome, !Task.isCancelled {
                if await apply(outcome) {
                    backoff.reset()
                    break
                }
                do { try await Task.sleep(for: backoff.next(random: random())) } catch { return }
            }
        }
    }
}

extension LeaderDuties {
    /// Both sets of Ingresses; nil (all) when either is.
    fileprivate static func union(_ a: Set<String>?, _ b: Set<String>?) -> Set<String>? {
        guard let a, let b else { return nil }
        return a.union(b)
    }
}

/// A coalescing wake-up: any number of ``wake()`` calls before the sleeper looks count as one.
private struct WakeSignal: Sendable {
    let wakeups: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init() {
        (wakeups, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    func wake() { continuation.yield() }
}
