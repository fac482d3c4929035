/// One `nginx.ingress.kubernetes.io/*` annotation and what Sluice makes of it: a row of
/// `NginxAnnotation.table`, the one list the audit of every Ingress and the README's migration
/// table are made from.
public struct NginxAnnotation: Hashable, Sendable {
    /// How much of ingress-nginx's meaning Sluice gives the annotation.
    public enum Support: Hashable, Sendable {
        /// Read with ingress-nginx's meaning.
        case supported
        /// Honoured in part: `acceptedValues` when they are listed (values asking for what Sluice
        /// does anyway), else what `how` says.
        case partly
        /// Not honoured: named in the Ingress's Warning Event whatever its value.
        case unsupported
    }

    /// Whether ignoring the annotation could let in a request ingress-nginx would have refused.
    public enum AccessGuard: Hashable, Sendable {
        case never
        /// Always: an Ingress carrying it (with a value Sluice does not honour) fails closed.
        case always
        /// A snippet: guards access unless every directive in it is one that cannot refuse a
        /// request (`SnippetDirectives.cannotRefuse`).
        case unlessHarmlessSnippet
    }

    /// The name after `nginx.ingress.kubernetes.io/`.
    public var name: String
    public var support: Support
    public var accessGuard: AccessGuard
    /// For `.partly`: the values (compared case-insensitively) that are honoured; any other
    /// value is reported as unsupported. Empty: every valid value is honoured.
    public var acceptedValues: [String]
    /// What Sluice does with it, or what to do instead; one line of the README's table.
    public var how: String

    public static let prefix = IngressAnnotations.nginxPrefix

    /// Whether `value` gets its ingress-nginx meaning (or one Sluice gives it anyway).
    public func honours(_ value: String) -> Bool {
        switch support {
        case .supported: true
        case .partly: acceptedValues.isEmpty || acceptedValues.contains(value.lowercased())
        case .unsupported: false
        }
    }

    /// Whether ignoring `value` could let in a request ingress-nginx would have refused.
    public func guardsAccess(with value: String) -> Bool {
        switch accessGuard {
        case .never: false
        case .always: true
        case .unlessHarmlessSnippet: !SnippetDirectives.cannotRefuse(value)
        }
    }

    /// The row for `name` (after the prefix), if ingress-nginx has such an annotation.
    public static func named(_ name: String) -> NginxAnnotation? {
        byName[name]
    }

    private static let byName: [String: NginxAnnotation] = Dictionary(
        table.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
}
