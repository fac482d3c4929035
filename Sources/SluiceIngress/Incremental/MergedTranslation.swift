import SluiceRouting

/// The groups' translations as one, kept from call to call and changed by the groups that were
/// translated again: routes (each host lives in one group, so the hosts of a table are replaced
/// whole and the others stay shared with the previous table), certificates, the default
/// backend, diagnostics without repeats (a Secret's problem may be found by several groups),
/// owned Ingresses and referenced Secrets. A change costs in proportion to the groups it
/// replaces, plus a copy of the table's host index.
struct MergedTranslation {
    private(set) var table = RoutingTable.empty
    private var exactCertificates: [String: ServingCertificate] = [:]
    private var wildcardCertificates: [String: ServingCertificate] = [:]
    private var defaultBackend: Route?
    /// How many groups found each diagnostic.
    private var diagnostics: [Diagnostic: Int] = [:]
    private var owned = Set<String>()
    /// How many groups read each Secret, and the Secrets at least one reads.
    private var referenceCounts: [String: Int] = [:]
    private var referenced = Set<String>()

    /// Takes `removed`'s contributions out and puts `added`'s in; `defaultCertificate` is the
    /// one the table serves to names without a certificate of their own, `serviceDefaultBackend`
    /// the route of `--default-backend-service`, for when no Ingress's `spec.defaultBackend` is.
    mutating func replace(
        _ removed: [TranslationResult], with added: [TranslationResult], defaultCertificate: ServingCertificate?,
        serviceDefaultBackend: Route? = nil
    ) {
        var removedHosts: [HostMatch] = []
        var addedHosts: [HostRoutes] = []
        for result in removed {
            removedHosts += result.table.hostsInNoOrder.map(\.host)
            for name in result.table.certificates.exact.keys { exactCertificates[name] = nil }
            for suffix in result.table.certificates.wildcard.keys { wildcardCertificates[suffix] = nil }
            if result.table.defaultBackend != nil { defaultBackend = nil }
            for diagnostic in Set(result.diagnostics) { count(diagnostic, by: -1) }
            owned.subtract(result.ownedIngresses)
            for secret in result.referencedSecrets { reference(secret, by: -1) }
        }
        for result in added {
            addedHosts += result.table.hostsInNoOrder
            exactCertificates.merge(result.table.certificates.exact) { _, new in new }
            wildcardCertificates.merge(result.table.certificates.wildcard) { _, new in new }
            if let route = result.table.defaultBackend { defaultBackend = route }
            for diagnostic in Set(result.diagnostics) { count(diagnostic, by: 1) }
            owned.formUnion(result.ownedIngresses)
            for secret in result.referencedSecrets { reference(secret, by: 1) }
        }
        table = table.replacingHosts(
            removedHosts, with: addedHosts, defaultBackend: defaultBackend ?? serviceDefaultBackend,
            certificates: CertificateTable(
                exact: exactCertificates, wildcard: wildcardCertificates, defaultCertificate: defaultCertificate))
    }

    var result: TranslationResult {
        TranslationResult(
            table: table, diagnostics: diagnostics.keys.sorted(by: Diagnostic.inFixedOrder), ownedIngresses: owned,
            referencedSecrets: referenced)
    }

    private mutating func count(_ diagnostic: Diagnostic, by step: Int) {
        let count = diagnostics[diagnostic, default: 0] + step
        diagnostics[diagnostic] = count > 0 ? count : nil
    }

    private mutating func reference(_ secret: String, by step: Int) {
        let count = referenceCounts[secret, default: 0] + step
        referenceCounts[secret] = count > 0 ? count : nil
        if count > 0 { referenced.insert(secret) } else { referenced.remove(secret) }
    }
}

extension Diagnostic {
    /// An order that does not depend on how the diagnostics were found.
    static func inFixedOrder(_ a: Diagnostic, _ b: Diagnostic) -> Bool {
        (a.namespace, a.name, a.kind, a.reason, a.message) < (b.namespace, b.name, b.kind, b.reason, b.message)
    }
}
