import Foundation

/// The pure translation `ClusterSnapshot → RoutingTable + diagnostics`, used unchanged by the
/// controller (cluster state) and by `sluice serve --manifests` (files).
///
/// Two steps, after Contour: `IngressGraphBuilder` runs its processors over the snapshot into an
/// `IngressGraph` (virtual hosts with their TLS slot → routes → backends), then
/// `RoutingTableAssembler` turns the graph into the table.
///
/// Ingresses of our class are processed oldest first (`IngressAge`). Ours means: the legacy
/// `kubernetes.io/ingress.class` annotation equals `options.ingressClass` (it decides alone when
/// present); or `spec.ingressClassName` names an IngressClass whose controller is
/// `options.controllerName`; or no class while such an IngressClass is the default. Standalone
/// convenience (`options.servesClasslessWithoutIngressClasses`): when the snapshot has no
/// IngressClass objects at all, Ingresses without a class or with
/// `ingressClassName == options.ingressClass` are ours too. See `IngressClassSelection`.
/// Each `rules[].http.paths[]` becomes a route (`IngressRuleProcessor`); the first Ingress to
/// claim a host + path + kind keeps it, later claimants get a `ConflictLost` diagnostic naming
/// the winner. The oldest Ingress with `spec.defaultBackend` provides the table's default
/// backend. Backends resolve through `BackendResolver`; annotations through
/// `AnnotationPolicyReader`. Each `spec.tls` Secret is checked (`IngressTLSProcessor`) and the good
/// certificates go into the table's `CertificateTable` with the routes. Nothing here fails: whatever is wrong is reported and the rest is
/// served.
public enum IngressTranslator {
    /// `now` judges certificates' validity windows (a parameter so that tests are deterministic).
    public static func translate(_ snapshot: ClusterSnapshot, options: TranslationOptions, now: Date = Date()) -> TranslationResult {
        let build = IngressGraphBuilder.build(snapshot, options: options, now: now)
        return TranslationResult(
            table: RoutingTableAssembler.table(from: build.graph),
            diagnostics: build.diagnostics,
            ownedIngresses: build.ownedIngresses,
            referencedSecrets: build.referencedSecrets
        )
    }
}
