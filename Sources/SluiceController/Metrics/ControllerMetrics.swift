import Foundation
import KubeClient
import SluiceIngress

/// The controller's own counts, for `/metrics` (``prometheusText()``): what the reflectors, the
/// reconcile loop, the API client and the leader election did. Written a few times a second at
/// most, behind a lock; every label value comes from a bounded set (reflector names, HTTP status
/// codes, Sluice's annotation names, diagnostic reasons).
///
/// The routing table's own numbers (generation, last swap, translation durations) are the
/// routing table store's, exported by the admin server in every mode.
public final class ControllerMetrics: Sendable {
    /// Everything counted, as one value.
    public struct Values: Sendable, Equatable {
        /// Rebuilds of the routing table from the cache.
        public var reconciles = 0
        /// Changes to objects translation reads (status-only changes are not counted).
        public var clusterChanges = 0
        /// Unix time in nanoseconds of the last cluster change and of the last rebuild's start; 0:
        /// none yet.
        public var lastClusterChangeUnixNanoseconds: Int64 = 0
        public var lastReconcileUnixNanoseconds: Int64 = 0
        /// By reflector: LISTs after its first successful one (the watch's version expired, or an
        /// ERROR event) and WATCHes started again after one ended or failed.
        public var relists: [String: Int] = [:]
        public var watchRestarts: [String: Int] = [:]
        /// API requests answered with an error, by HTTP status code (`transport` without an answer).
        public var apiErrors: [String: Int] = [:]
        public var isLeader: Bool
        /// The latest translation's warnings by reason, and its Ingresses with an invalid
        /// annotation by annotation name.
        public var warnings: [String: Int] = [:]
        public var invalidAnnotations: [String: Int] = [:]

        public init(isLeader: Bool) { self.isLeader = isLeader }
    }

    private let values: LockedValue<Values>

    /// `isLeader`: the leader status until the election says otherwise (true without election).
    public init(isLeader: Bool = true) {
        values = LockedValue(Values(isLeader: isLeader))
    }

    /// What was counted so far.
    public var snapshot: Values { values.withLock { $0 } }

    func clusterChanged() {
        let now = Self.unixNanoseconds()
        values.withLock {
            $0.clusterChanges += 1
            $0.lastClusterChangeUnixNanoseconds = now
        }
    }

    /// A rebuild starts from the cache as it is now (changes after this instant are not in it).
    func reconcileStarted() {
        let now = Self.unixNanoseconds()
        values.withLock { $0.lastReconcileUnixNanoseconds = now }
    }

    /// A rebuild made `result` live.
    func reconciled(_ result: TranslationResult) {
        var warnings: [String: Int] = [:]
        var invalid: [String: Int] = [:]
        for diagnostic in result.diagnostics {
            warnings[diagnostic.reason, default: 0] += 1
            if diagnostic.reason == DiagnosticReason.invalidAnnotation, let annotation = diagnostic.annotation {
                invalid[annotation, default: 0] += 1
            }
        }
        values.withLock {
            $0.reconciles += 1
            $0.warnings = warnings
            $0.invalidAnnotations = invalid
        }
    }

    func relisted(_ reflector: String) {
        values.withLock { $0.relists[reflector, default: 0] += 1 }
    }

    func watchRestarted(_ reflector: String) {
        values.withLock { $0.watchRestarts[reflector, default: 0] += 1 }
    }

    /// For ``KubeAPIClient``'s `requestFailed`.
    public func apiRequestFailed(_ error: KubeAPIError) {
        let code = Self.codeLabel(error)
        values.withLock { $0.apiErrors[code, default: 0] += 1 }
    }

    /// The `code` label of a failed request.
    static func codeLabel(_ error: KubeAPIError) -> String {
        switch error {
        case .unauthorized: "401"
        case .forbidden: "403"
        case .notFound: "404"
        case .conflict: "409"
        case .gone: "410"
        case .tooManyRequests: "429"
        case .server(let status), .rejected(let status): String(status.code)
        case .transport: "transport"
        case .decoding: "decoding"
        }
    }

    /// The reflectors that will run: each one's relists and watch restarts are exported from 0.
    func reflectorsPlanned(_ names: [String]) {
        values.withLock {
            for name in names {
                $0.relists[name, default: 0] += 0
                $0.watchRestarts[name, default: 0] += 0
            }
        }
    }

    public func leadershipChanged(_ isLeader: Bool) {
        values.withLock { $0.isLeader = isLeader }
    }

    private static func unixNanoseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1e9).rounded())
    }
}
