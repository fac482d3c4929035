import SluiceRouting

/// The per-client limits (`ClientLimits`): `limit-connections` and `sluice.io/max-streams`
/// (requests in flight), `limit-rps`/`limit-rpm` with `limit-burst-multiplier` (5 by default,
/// as ingress-nginx's), and `limit-allowlist` (`limit-whitelist`). `0` means no limit, as in
/// ingress-nginx. The limits guard access: a bad value of any of them but the allow list fails
/// every route closed (503), and a bad `sluice.io/` value is not replaced by its alias; a bad
/// allow list is reported and ignored (nobody is exempt, the strict side).
extension AnnotationPolicyReader {
    mutating func readClientLimits(into policy: inout RoutePolicy) {
        typealias A = IngressAnnotations
        let count = Grammar(accepted: CountGrammar.accepted, parse: CountGrammar.parse)
        var invalid: [String] = []
        func limit(_ keys: [String]) -> Int? {
            guard let key = keys.first(where: { annotations[$0] != nil }) else { return nil }
            if let value = parsed(key, count, consequence: "every route of this Ingress fails closed (503)") {
                return value == 0 ? nil : value
            }
            invalid.append(String(key.split(separator: "/").last ?? ""))
            return nil
        }
        let connections = limit([A.limitConnections, A.nginxLimitConnections])
        let streams = limit([A.maxStreams])
        let rps = limit([A.limitRPS, A.nginxLimitRPS])
        let rpm = limit([A.limitRPM, A.nginxLimitRPM])
        let multiplier = limit([A.limitBurstMultiplier, A.nginxLimitBurstMultiplier]) ?? 5
        guard invalid.isEmpty else {
            policy.refusal = policy.refusal ?? RouteRefusal(reason: "invalid \(invalid.joined(separator: ", "))")
            return
        }
        var rates: [RequestRate] = []
        if let rps { rates.append(RequestRate(requests: rps, period: .seconds(1), burst: rps * multiplier)) }
        if let rpm { rates.append(RequestRate(requests: rpm, period: .seconds(60), burst: rpm * multiplier)) }
        let inFlight = [connections, streams].compactMap { $0 }.min()
        guard inFlight != nil || !rates.isEmpty else { return }
        let ranges = Grammar(accepted: SourceRangeGrammar.accepted, parse: SourceRangeGrammar.parse)
        let exempt = setting(A.limitAllowlist, ranges, alias: (A.nginxLimitAllowlist, ranges))
            ?? parsed(A.nginxLimitWhitelist, ranges) ?? []
        policy.clientLimits = ClientLimits(maxInFlight: inFlight, rates: rates, exempt: exempt)
    }
}
