/// `on` or `off`, exactly (lowercase), as in nginx's `proxy-buffering`.
enum SwitchGrammar {
    static let accepted = "on or off"

    static func parse(_ text: String) -> Result<Bool, GrammarFailure> {
        switch text {
        case "on": return .success(true)
        case "off": return .success(false)
        default: return .failure(GrammarFailure(text.isEmpty ? "empty" : "not on or off"))
        }
    }
}
