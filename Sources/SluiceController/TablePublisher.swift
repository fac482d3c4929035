import Logging
import SluiceIngress
import SluiceRouting

/// Makes translations live, for every source of cluster state (the controller's reconcile loop
/// and the standalone manifest watcher): translates the cluster (incrementally: only the groups of
/// Ingresses whose inputs changed, ``IncrementalTranslator``), times the translation, publishes
/// the table, reports readiness once the first table is live, and logs each diagnostic once for
/// as long as it lasts (again only after it went away and came back).
public struct TablePublisher: Sendable {
    public let options: TranslationOptions
    /// Makes a table live (``RoutingTableStore/publish``); the duration is the translation time.
    private let makeLive: @Sendable (RoutingTable, Duration) -> Void
    /// Called once, after the first table is live.
    private let markReady: @Sendable () -> Void
    private let logger: Logger
    /// True once a table has been published.
    public private(set) var hasPublished = false
    private var reported: Set<Diagnostic> = []
    private var translator: IncrementalTranslator

    public init(
        options: TranslationOptions, publish: @escaping @Sendable (RoutingTable, Duration) -> Void,
        markReady: @escaping @Sendable () -> Void, logger: Logger
    ) {
        self.options = options
        self.translator = IncrementalTranslator(options: options)
        self.makeLive = publish
        self.markReady = markReady
        self.logger = logger
    }

    /// Translates `snapshot` and makes its table live, as for ``ClusterInputs``.
    @discardableResult
    public mutating func publish(
        _ snapshot: ClusterSnapshot, firstLive: (TranslationResult) -> Void = { _ in }
    ) -> TranslationResult {
        publish(ClusterInputs(snapshot), firstLive: firstLive)
    }

    /// Translates `inputs` and makes its table live. `firstLive` runs once, right after the
    /// first table is live and readiness is reported, before that table's diagnostics are logged.
    @discardableResult
    public mutating func publish(
        _ inputs: ClusterInputs, firstLive: (TranslationResult) -> Void = { _ in }
    ) -> TranslationResult {
        let clock = ContinuousClock()
        let start = clock.now
        let result = translator.translate(inputs)
        makeLive(result.table, clock.now - start)
        if !hasPublished {
            hasPublished = true
            markReady()
            firstLive(result)
        }
        for diagnostic in result.diagnostics where !reported.contains(diagnostic) {
            logger.warning("\(diagnostic)")
        }
        reported = Set(result.diagnostics)
        return result
    }
}
