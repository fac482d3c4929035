import SluiceIngress

/// Decides which translation diagnostics become Kubernetes Events, so that a steady state does
/// not spam: a new diagnostic creates an Event; the same diagnostic again does nothing until
/// ``repeatInterval`` has passed, then the existing Event's `count` and `lastTimestamp` are
/// patched. A diagnostic that goes away is forgotten; if it comes back it is news again.
public struct EventDeduplicator: Sendable {
    /// What to do for one diagnostic.
    public enum Action: Sendable, Hashable {
        case create(Diagnostic)
        /// PATCH the Event `eventName` (in the diagnostic's namespace) to `count`.
        case repeatEvent(Diagnostic, eventName: String, count: Int)
    }

    private struct Record: Sendable {
        /// Nil until the API server has named the created Event.
        var eventName: String?
        var count: Int
        var lastEmitted: ContinuousClock.Instant
    }

    public var repeatInterval: Duration
    private var records: [Diagnostic: Record] = [:]

    public init(repeatInterval: Duration = .seconds(600)) {
        self.repeatInterval = repeatInterval
    }

    /// The actions for the diagnostics of one reconcile. They are recorded as done; report the
    /// outcome with ``created(_:eventName:)`` or ``failed(_:)``.
    public mutating func plan(_ diagnostics: [Diagnostic], now: ContinuousClock.Instant) -> [Action] {
        let current = Set(diagnostics)
        records = records.filter { current.contains($0.key) }
        var actions: [Action] = []
        var seen = Set<Diagnostic>()
        for diagnostic in diagnostics where seen.insert(diagnostic).inserted {
            guard var record = records[diagnostic] else {
                records[diagnostic] = Record(eventName: nil, count: 1, lastEmitted: now)
                actions.append(.create(diagnostic))
                continue
            }
            guard now - record.lastEmitted >= repeatInterval else { continue }
            record.count += 1
            record.lastEmitted = now
            records[diagnostic] = record
            if let name = record.eventName {
                actions.append(.repeatEvent(diagnostic, eventName: name, count: record.count))
            } else {
                actions.append(.create(diagnostic))
            }
        }
        return actions
    }

    /// The API server created (or patched) the Event for `diagnostic` under `eventName`.
    public mutating func created(_ diagnostic: Diagnostic, eventName: String) {
        records[diagnostic]?.eventName = eventName
    }

    /// Writing failed: the diagnostic is treated as new at the next reconcile.
    public mutating func failed(_ diagnostic: Diagnostic) {
        records[diagnostic] = nil
    }

    /// The Event was gone (Events expire): create a new one next time.
    public mutating func eventVanished(_ diagnostic: Diagnostic) {
        records[diagnostic] = nil
    }

    /// How many diagnostics are being tracked.
    public var trackedCount: Int { records.count }
}
