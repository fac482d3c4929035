/// Splits an annotation value that may hold nginx variables (`$name`, `${name}`) into text and
/// variable names: the one scanner of `permanent-redirect` / `temporal-redirect` URLs and
/// `rewrite-target`, whose grammars then say which names they accept.
enum NginxVariableText {
    enum Piece: Equatable {
        case text(String)
        case variable(Substring)
    }

    /// `value`'s pieces; `unbraced` says how much of the letters, digits and `_` after a bare `$`
    /// are the name (all of them by default; nginx reads `$10` in a rewrite as `$1` then `0`).
    /// Fails on a `${` without its `}`.
    static func split(
        _ value: String, unbraced: (Substring) -> Substring = { $0 }
    ) -> Result<[Piece], GrammarFailure> {
        var pieces: [Piece] = []
        var text = ""
        var rest = Substring(value)
        while let dollar = rest.firstIndex(of: "$") {
            text += rest[..<dollar]
            var afterDollar = rest[rest.index(after: dollar)...]
            let braced = afterDollar.first == "{"
            if braced { afterDollar = afterDollar.dropFirst() }
            let word = afterDollar.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            let name = braced ? word : unbraced(word)
            var end = name.endIndex
            if braced {
                guard end < afterDollar.endIndex, afterDollar[end] == "}" else {
                    return .failure(GrammarFailure("an unclosed ${"))
                }
                end = afterDollar.index(after: end)
            }
            if !text.isEmpty { pieces.append(.text(text)) }
            text = ""
            pieces.append(.variable(name))
            rest = afterDollar[end...]
        }
        text += rest
        if !text.isEmpty { pieces.append(.text(text)) }
        return .success(pieces)
    }
}
