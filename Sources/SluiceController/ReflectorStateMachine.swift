import KubeClient

/// The decisions of one reflector, client-go style, without any I/O: LIST, then WATCH from the
/// list's resourceVersion; events and bookmarks advance the version; an expired version (HTTP 410
/// or an ERROR event with code 410) means relist; a watch that ends or breaks resumes from the
/// last version; failures wait with exponential backoff.
///
/// resourceVersions are opaque: they are stored and sent back, never compared.
public struct ReflectorStateMachine: Sendable {
    /// What the reflector does next.
    public enum Step: Sendable, Hashable {
        case list(after: Duration)
        case watch(resourceVersion: String, after: Duration)
    }

    /// A change in the reflector's connection to the API server, to be logged once.
    public enum HealthChange: Sendable, Hashable {
        case failing(ReflectorFailure)
        case recovered
    }

    /// A step, and the health change to report with it, if any.
    public struct Decision: Sendable, Hashable {
        public var step: Step
        public var healthChange: HealthChange?
    }

    /// A watch shorter than this that delivered nothing is treated as a failure (client-go's
    /// "very short watch"), so a server that closes at once is not hammered.
    public static let shortWatch: Duration = .seconds(1)

    public private(set) var resourceVersion: String?
    /// True once a LIST has filled the cache.
    public private(set) var hasSynced = false
    private var backoff: Backoff
    private var failingCategory: String?
    private var eventsInThisWatch = 0

    public init(backoff: Backoff = Backoff()) {
        self.backoff = backoff
    }

    /// The first step: LIST.
    public var start: Step { .list(after: .zero) }

    public mutating func listSucceeded(resourceVersion: String) -> Decision {
        self.resourceVersion = resourceVersion
        hasSynced = true
        backoff.reset()
        return Decision(step: .watch(resourceVersion: resourceVersion, after: .zero), healthChange: recovered())
    }

    public mutating func listFailed(_ failure: ReflectorFailure, random: Double) -> Decision {
        Decision(step: .list(after: delay(for: failure, random: random)), healthChange: failing(failure))
    }

    /// A watch is about to start.
    public mutating func watchStarted() {
        eventsInThisWatch = 0
    }

    /// An ADDED/MODIFIED/DELETED event carrying `resourceVersion`, or a BOOKMARK.
    public mutating func eventReceived(resourceVersion: String?) -> HealthChange? {
        if let resourceVersion, !resourceVersion.isEmpty { self.resourceVersion = resourceVersion }
        eventsInThisWatch += 1
        backoff.reset()
        return recovered()
    }

    /// The server sent an ERROR event: 410 relists at once, anything else relists after backoff.
    public mutating func errorEventReceived(_ status: KubeStatus, random: Double) -> Decision {
        if status.isExpired { return relistNow() }
        let failure = ReflectorFailure.other("watch ERROR event: \(status)")
        return Decision(step: .list(after: delay(for: failure, random: random)), healthChange: failing(failure))
    }

    /// The server ended the watch response normally (its `timeoutSeconds` ran out).
    public mutating func watchEnded(after elapsed: Duration, random: Double) -> Decision {
        let version = resourceVersion ?? ""
        if eventsInThisWatch == 0 && elapsed < Self.shortWatch {
            let failure = ReflectorFailure.other("watch ended after \(elapsed) without any event")
            return Decision(
                step: .watch(resourceVersion: version, after: delay(for: failure, random: random)),
                healthChange: failing(failure))
        }
        return Decision(step: .watch(resourceVersion: version, after: .zero), healthChange: nil)
    }

    /// The watch request failed or its connection broke.
    public mutating func watchFailed(_ failure: ReflectorFailure, random: Double) -> Decision {
        if failure == .expired { return relistNow() }
        return Decision(
            step: .watch(resourceVersion: resourceVersion ?? "", after: delay(for: failure, random: random)),
            healthChange: failing(failure))
    }

    private mutating func relistNow() -> Decision {
        resourceVersion = nil
        return Decision(step: .list(after: .zero), healthChange: nil)
    }

    private mutating func delay(for failure: ReflectorFailure, random: Double) -> Duration {
        let delay = backoff.next(random: random)
        if case .throttled(let retryAfter?) = failure { return max(retryAfter, delay) }
        return delay
    }

    private mutating func failing(_ failure: ReflectorFailure) -> HealthChange? {
        guard failingCategory != failure.category else { return nil }
        failingCategory = failure.category
        return .failing(failure)
    }

    private mutating func recovered() -> HealthChange? {
        guard failingCategory != nil else { return nil }
        failingCategory = nil
        return .recovered
    }
}
