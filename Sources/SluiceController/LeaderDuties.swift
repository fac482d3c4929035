import Logging

/// What only the leader does, from the latest reconcile outcome: write Ingress status and emit
/// Events. A failed write is retried with backoff, always from the newest outcome.
public actor LeaderDuties {
    private var outcome: ReconcileOutcome?
    private var isLeader: Bool
    private let statusWriter: StatusWriter
    private let eventRecorder: EventRecorder
    private let retryBackoff: Backoff
    private let random: @Sendable () -> Double
    private let wake: AsyncStream<Void>.Continuation
    private let wakeups: AsyncStream<Void>

    public init(
        statusWriter: StatusWriter, eventRecorder: EventRecorder, isLeader: Bool,
        retryBackoff: Backoff = Backoff(), random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.statusWriter = statusWriter
        self.eventRecorder = eventRecorder
        self.isLeader = isLeader
        self.retryBackoff = retryBackoff
        self.random = random
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// A new table was built.
    public func reconciled(_ outcome: ReconcileOutcome) {
        self.outcome = outcome
        wake.yield()
    }

    public func leadershipChanged(_ isLeader: Bool) {
        self.isLeader = isLeader
        if isLeader { wake.yield() }
    }

    /// Runs until cancelled.
    public func run() async {
        var backoff = retryBackoff
        var statusWriter = self.statusWriter
        var eventRecorder = self.eventRecorder
        for await _ in wakeups {
            while isLeader, let outcome, !Task.isCancelled {
                let statusDone = await statusWriter.apply(outcome)
                let eventsDone = await eventRecorder.apply(outcome)
                if statusDone && eventsDone {
                    backoff.reset()
                    break
                }
                do { try await Task.sleep(for: backoff.next(random: random())) } catch { return }
            }
        }
    }
}
