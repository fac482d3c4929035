import Logging

/// What only the leader does, from the latest reconcile outcome: write Ingress status and emit
/// Events — two queues, so that a long status pass (10,000 Ingresses) never holds a Warning back,
/// and a failing Event never delays status. A failed write is retried with backoff, always from
/// the newest outcome.
public actor LeaderDuties {
    private var outcome: ReconcileOutcome?
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
        statusQueue.wake()
        eventQueue.wake()
    }

    public func leadershipChanged(_ isLeader: Bool) {
        self.isLeader = isLeader
        if isLeader {
            statusQueue.wake()
            eventQueue.wake()
        }
    }

    /// Runs both queues until cancelled.
    public func run() async {
        var statusWriter = self.statusWriter
        var eventRecorder = self.eventRecorder
        async let status: Void = drain(statusQueue) { await statusWriter.apply($0) }
        async let events: Void = drain(eventQueue) { await eventRecorder.apply($0) }
        _ = await (status, events)
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

/// A coalescing wake-up: any number of ``wake()`` calls before the sleeper looks count as one.
private struct WakeSignal: Sendable {
    let wakeups: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init() {
        (wakeups, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    func wake() { continuation.yield() }
}
