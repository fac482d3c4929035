import SluiceRouting

/// The grammar of `rewrite-target` (`use-regex` is a ``BooleanGrammar`` value).
enum RewriteGrammars {
    static let targetAccepted =
        "a path (printable ASCII without spaces) with $1…$9 (or ${n}) for the groups the path's regular expression captured, as /$2"

    /// `rewrite-target`: text and `$n` / `${n}` captures; any other nginx variable is refused
    /// (nginx would resolve it, Sluice cannot).
    static func target(_ text: String) -> Result<PathRewrite, GrammarFailure> {
        let value = String(Substring(text).trimmingCharacters(" \t"))
        guard !value.isEmpty else { return .failure(GrammarFailure("empty")) }
        guard value.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            return .failure(GrammarFailure("holds a space, a control or a non-ASCII character"))
        }
        guard !value.hasPrefix("//"), !value.lowercased().hasPrefix("http:"), !value.lowercased().hasPrefix("https:") else {
            return .failure(GrammarFailure("names another host: a redirect is permanent-redirect or temporal-redirect"))
        }
        // nginx reads one digit after a bare `$` (`$10` is `$1` then `0`).
        let split = NginxVariableText.split(value) { word in word.first?.isNumber == true ? word.prefix(1) : word }
        guard case .success(let pieces) = split else { return .failure(GrammarFailure("an unclosed ${")) }
        var parts: [PathRewrite.Part] = []
        for piece in pieces {
            switch piece {
            case .text(let text): parts.append(.text(text))
            case .variable(let name):
                guard name.allSatisfy(\.isNumber), let index = Int(name), index <= 9 else {
                    return .failure(GrammarFailure("$\(name) is not a capture ($1…$9)"))
                }
                parts.append(.capture(index))
            }
        }
        return .success(PathRewrite(text: value, parts: parts))
    }
}
