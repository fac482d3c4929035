import SluiceRouting

/// `load-balance` and `upstream-hash-by`.
enum LoadBalancingGrammars {
    static let balanceAccepted = "round_robin, least_streams or ewma"

    /// `round_robin`, `least_streams` or `ewma`, exactly (ingress-nginx writes them lowercase).
    static func balance(_ text: String) -> Result<LoadBalancing, GrammarFailure> {
        switch text {
        case "round_robin": .success(.roundRobin)
        case "least_streams": .success(.leastStreams)
        case "ewma": .success(.ewma)
        case "": .failure(GrammarFailure("empty"))
        default: .failure(GrammarFailure("not a load-balance value"))
        }
    }

    static let hashAccepted = "nginx variables (\(RequestKeyPart.acceptedVariables)), alone or together, as $http_x_user or $cookie_session$arg_room"

    /// A key template of at least one variable Sluice expands, in visible ASCII without quotes
    /// or backslashes. Text alone would send every request to one endpoint.
    static func hash(_ text: String) -> Result<LoadBalancing, GrammarFailure> {
        guard !text.isEmpty else { return .failure(GrammarFailure("empty")) }
        guard text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) else {
            return .failure(GrammarFailure("holds a space, a quote, a backslash or a character outside visible ASCII"))
        }
        let (parts, unknown) = RequestKeyPart.parse(text)
        guard unknown.isEmpty else { return .failure(GrammarFailure("unsupported variable(s) \(unknown.joined(separator: ", "))")) }
        guard parts.contains(where: \.isVariable) else {
            return .failure(GrammarFailure("names no variable: every request would go to one endpoint"))
        }
        return .success(.hash(parts))
    }
}
