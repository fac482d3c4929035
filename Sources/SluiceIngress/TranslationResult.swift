import SluiceRouting

/// What translation produces from one snapshot.
public struct TranslationResult: Sendable {
    /// The routing table to publish.
    public var table: RoutingTable
    /// Warnings, in a deterministic order (oldest Ingress first).
    public var diagnostics: [Diagnostic]
    /// `namespace/name` of every Ingress of our class, sorted: the ones whose status we write.
    public var ownedIngresses: [String]

    public init(table: RoutingTable, diagnostics: [Diagnostic], ownedIngresses: [String]) {
        self.table = table
        self.diagnostics = diagnostics
        self.ownedIngresses = ownedIngresses
    }
}
