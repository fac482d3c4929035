import SluiceRouting

/// What one Ingress's `nginx.ingress.kubernetes.io/*` annotations come to under Sluice, by
/// `NginxAnnotation.table`: the ones it does not honour, the names ingress-nginx never had, and
/// which of the first guard access. It becomes at most one Warning for the Ingress and, where
/// access was guarded, the `RouteRefusal` all its routes carry (unless the operator allowed it).
struct NginxAnnotationAudit: Equatable, Sendable {
    static let allowFlag = "--allow-unsupported-security-annotations"

    /// Not honoured, as the Warning shows them: the name, or `name="value"` when another value
    /// would have been honoured. In name order.
    private(set) var unsupported: [String] = []
    /// Names ingress-nginx does not have, with a suggestion when one is close.
    private(set) var unknown: [String] = []
    /// The names in `unsupported` that guard access.
    private(set) var guarding: [String] = []

    init(_ annotations: [String: String]) {
        for (key, value) in annotations.sorted(by: { $0.key < $1.key }) where key.hasPrefix(NginxAnnotation.prefix) {
            let name = String(key.dropFirst(NginxAnnotation.prefix.count))
            guard let row = NginxAnnotation.named(name) else {
                let suggestion = ClosestName.to(name, among: NginxAnnotation.table.map(\.name))
                unknown.append(Self.shown(name) + (suggestion.map { " (did you mean \($0)?)" } ?? ""))
                continue
            }
            if row.honours(value) { continue }
            unsupported.append(row.acceptedValues.isEmpty ? name : "\(name)=\(AnnotationValue.quoted(value))")
            if row.guardsAccess(with: value) { guarding.append(name) }
        }
    }

    /// What every route of the Ingress must carry: a refusal when access was guarded and the
    /// operator did not allow serving without the guard.
    func refusal(allowingUnsupportedSecurity allowed: Bool) -> RouteRefusal? {
        guard !guarding.isEmpty, !allowed else { return nil }
        return RouteRefusal(reason: "unsupported access-control annotations: " + guarding.joined(separator: ", "))
    }

    /// The one Warning naming everything not honoured, and what became of the routes; `nil` when
    /// every annotation is honoured.
    func problem(allowingUnsupportedSecurity allowed: Bool) -> IngressProblem? {
        var clauses: [String] = []
        if !unsupported.isEmpty {
            clauses.append("nginx.ingress.kubernetes.io annotations not supported by Sluice: " + unsupported.joined(separator: ", "))
        }
        if !unknown.isEmpty {
            clauses.append("not ingress-nginx annotations (typos?): " + unknown.joined(separator: ", "))
        }
        if !guarding.isEmpty {
            let names = guarding.joined(separator: ", ")
            clauses.append(
                allowed
                    ? "\(names) guarded access: the routes of this Ingress are served without that protection, as \(Self.allowFlag) is set"
                    : "\(names) guarded access: every route of this Ingress fails closed (503, nothing forwarded) until they are removed or Sluice runs with \(Self.allowFlag)")
        }
        guard !clauses.isEmpty else { return nil }
        return IngressProblem(reason: DiagnosticReason.unsupportedAnnotation, message: clauses.joined(separator: "; "))
    }

    /// `name` bare when it is made of the characters annotation names hold, else quoted and
    /// escaped (a manifest file's keys are not checked by an API server).
    private static func shown(_ name: String) -> String {
        let plain = !name.isEmpty && name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        }
        return plain ? name : AnnotationValue.quoted(name)
    }
}
