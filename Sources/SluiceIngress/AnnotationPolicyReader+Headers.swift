import SluiceRouting

/// `response-headers`, `request-headers`, `security-headers` and `content-security-policy`
/// (Sluice's own: no ingress-nginx alias; its `custom-headers` names a ConfigMap).
///
/// A bad list is reported and ignored whole: these add fields, they guard nothing.
/// `security-headers: on` adds `X-Content-Type-Options: nosniff`, `X-Frame-Options: SAMEORIGIN`
/// and `Referrer-Policy: strict-origin-when-cross-origin`; `content-security-policy` adds its
/// `Content-Security-Policy`, switch or not. A field `response-headers` names wins over the
/// switch's of the same name.
extension AnnotationPolicyReader {
    static let securityHeaders = [
        HeaderField(name: "X-Content-Type-Options", value: "nosniff"),
        HeaderField(name: "X-Frame-Options", value: "SAMEORIGIN"),
        HeaderField(name: "Referrer-Policy", value: "strict-origin-when-cross-origin"),
    ]

    mutating func readHeaders(into policy: inout RoutePolicy) {
        typealias A = IngressAnnotations
        let list = Grammar(accepted: HeaderListGrammar.accepted, parse: HeaderListGrammar.parse, allowsLineFeeds: true)
        let onOff = Grammar(accepted: SwitchGrammar.accepted, parse: SwitchGrammar.parse)
        let csp = Grammar(accepted: "a Content-Security-Policy value (printable ASCII)") { text -> Result<String, GrammarFailure> in
            let value = String(Substring(text).trimmingCharacters(" \t"))
            guard !value.isEmpty else { return .failure(GrammarFailure("empty")) }
            guard HeaderFieldGrammar.isValue(value) else { return .failure(GrammarFailure("holds a control or non-ASCII character")) }
            return .success(value)
        }
        var added: [HeaderField] = []
        if setting(A.securityHeaders, onOff) == true { added += Self.securityHeaders }
        if let value = setting(A.contentSecurityPolicy, csp) {
            added.append(HeaderField(name: "Content-Security-Policy", value: value))
        }
        let own = setting(A.responseHeaders, list) ?? []
        added.removeAll { field in own.contains { $0.name.lowercased() == field.name.lowercased() } }
        policy.responseHeaders = added + own
        policy.requestHeaders = setting(A.requestHeaders, list) ?? []
    }
}
