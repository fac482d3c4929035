import SluiceRouting

/// `proxy-body-size`: the largest request body the route accepts (`413` beyond). Absent, the
/// proxy's own limit applies (`--proxy-body-size`, 1m by default as ingress-nginx's); a bad value
/// is reported and ignored, like ingress-nginx, since the proxy's limit still holds.
extension AnnotationPolicyReader {
    mutating func readBodySize(into policy: inout RoutePolicy) {
        typealias A = IngressAnnotations
        let size = Grammar(accepted: BodySizeGrammar.accepted, parse: BodySizeGrammar.parse)
        if let value = setting(A.proxyBodySize, size, alias: (A.nginxProxyBodySize, size)) {
            policy.maxRequestBodyBytes = value
        }
    }
}
