import SluiceIngress

/// What `sluice serve --manifests` does with a new load.
public enum StandaloneDecision: Sendable, Hashable {
    /// The load is good and differs from what is served: translate and publish it.
    case publish(ClusterSnapshot)
    /// The load has errors: report them and keep serving the last good table (or nothing, before
    /// the first good load).
    case keepLastGood([ManifestError])
    /// The load is good and equal to what is served already.
    case unchanged
}

/// The serve command's policy for manifest loads, as a pure value: if a load has ANY error, the
/// whole load is refused and the last good snapshot stays in service, so a half-saved or broken
/// file never takes routes away. Only a complete, error-free load replaces it.
public struct StandaloneSourceState: Sendable {
    /// The snapshot last published, if any.
    public private(set) var lastGood: ClusterSnapshot?

    public init() {}

    public mutating func apply(_ load: ManifestLoad) -> StandaloneDecision {
        guard load.errors.isEmpty else { return .keepLastGood(load.errors) }
        if load.snapshot == lastGood { return .unchanged }
        lastGood = load.snapshot
        return .publish(load.snapshot)
    }
}
