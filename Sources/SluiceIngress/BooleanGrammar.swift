/// A boolean as ingress-nginx reads one (Go's `strconv.ParseBool`): `true`, `false`, `1`, `0`,
/// `t`, `f`, in lower, upper or title case.
enum BooleanGrammar {
    static let accepted = "true or false"

    static func parse(_ text: String) -> Result<Bool, GrammarFailure> {
        switch text {
        case "true", "TRUE", "True", "t", "T", "1": return .success(true)
        case "false", "FALSE", "False", "f", "F", "0": return .success(false)
        default: return .failure(GrammarFailure(text.isEmpty ? "empty" : "not true or false"))
        }
    }
}
