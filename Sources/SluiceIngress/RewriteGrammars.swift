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
        var parts: [PathRewrite.Part] = []
        var literal = ""
        var rest = Substring(value)
        while let dollar = rest.firstIndex(of: "$") {
            literal += rest[..<dollar]
            var afterDollar = rest[rest.index(after: dollar)...]
            let braced = afterDollar.first == "{"
            if braced { afterDollar = afterDollar.dropFirst() }
            let name = afterDollar.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            var end = name.endIndex
            if braced {
                guard end < afterDollar.endIndex, afterDollar[end] == "}" else {
                    return .failure(GrammarFailure("an unclosed ${"))
                }
                end = afterDollar.index(after: end)
            }
            // nginx reads one digit after `$` (`$10` is `$1` then `0`) unless braced.
            let digits = braced ? name : name.prefix(1)
            guard let index = Int(digits), digits.allSatisfy(\.isNumber), index <= 9 else {
                return .failure(GrammarFailure("$\(name) is not a capture ($1…$9)"))
            }
            if !braced { end = afterDollar.index(after: afterDollar.startIndex) }
            if !literal.isEmpty { parts.append(.text(literal)) }
            literal = ""
            parts.append(.capture(index))
            rest = afterDollar[end...]
        }
        literal += rest
        if !literal.isEmpty { parts.append(.text(literal)) }
        return .success(PathRewrite(text: value, parts: parts))
    }
}
