/// A whole number from 0 to 1,000,000, digits only, as ingress-nginx's `limit-*` annotations
/// take; `0` means no limit where the annotation says so.
enum CountGrammar {
    static let accepted = "a whole number from 0 to 1000000 (0: no limit)"

    static func parse(_ text: String) -> Result<Int, GrammarFailure> {
        guard !text.isEmpty else { return .failure(GrammarFailure("empty")) }
        guard text.utf8.count <= 7, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let value = Int(text) else {
            return .failure(GrammarFailure("not a whole number"))
        }
        guard value <= 1_000_000 else { return .failure(GrammarFailure("more than 1000000")) }
        return .success(value)
    }
}
