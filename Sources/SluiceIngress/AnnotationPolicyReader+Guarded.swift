/// Reading a setting that guards access (authentication): from `sluice.io/<name>`, else its
/// ingress-nginx alias; a bad value is reported as failing the routes closed, and not replaced
/// by the alias's.
extension AnnotationPolicyReader {
    /// The value of `name`, nil when absent or bad; a bad one's name is added to `invalid`, for
    /// the caller to refuse the routes.
    mutating func guardedSetting<Value>(
        _ name: String, _ accepted: String, _ parse: @escaping (String) -> Result<Value, GrammarFailure>, invalid: inout [String]
    ) -> Value? {
        let keys = [IngressAnnotations.sluicePrefix + name, IngressAnnotations.nginxPrefix + name]
        guard let key = keys.first(where: { annotations[$0] != nil }) else { return nil }
        let grammar = Grammar(accepted: accepted, parse: parse)
        if let value = parsed(key, grammar, consequence: "every route of this Ingress fails closed (503)") { return value }
        invalid.append(name)
        return nil
    }
}
