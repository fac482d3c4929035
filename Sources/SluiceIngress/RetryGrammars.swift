import SluiceRouting

/// `proxy-next-upstream`, `proxy-next-upstream-tries`, `custom-http-errors` and
/// `default-backend`.
enum RetryGrammars {
    static let conditionsAccepted =
        "off, or words separated by spaces from: " + RetryPolicy.Conditions.words.map(\.1).joined(separator: ", ")

    /// nginx's `proxy_next_upstream` words, separated by spaces (as ingress-nginx passes them on);
    /// `off` alone means no retry.
    static func conditions(_ text: String) -> Result<RetryPolicy.Conditions, GrammarFailure> {
        let words = text.split(separator: " ", omittingEmptySubsequences: true)
        guard !words.isEmpty else { return .failure(GrammarFailure("empty")) }
        if words.contains("off") {
            return words.count == 1 ? .success([]) : .failure(GrammarFailure("off together with other words"))
        }
        var conditions: RetryPolicy.Conditions = []
        for word in words {
            guard let condition = RetryPolicy.Conditions.words.first(where: { $0.1 == word })?.0 else {
                return .failure(GrammarFailure("\(AnnotationValue.quoted(String(word))) is not a proxy-next-upstream word"))
            }
            conditions.insert(condition)
        }
        return .success(conditions)
    }

    static let triesAccepted = "a whole number from 0 to 100 (0: every endpoint once)"

    static func tries(_ text: String) -> Result<Int, GrammarFailure> {
        CountGrammar.parse(text).flatMap { $0 <= 100 ? .success($0) : .failure(GrammarFailure("more than 100")) }
    }

    static let errorCodesAccepted = "HTTP status codes from 400 to 599 separated by commas, like 404,503"

    /// ingress-nginx's `custom-http-errors`: codes from 400 to 599, commas between (spaces
    /// around them allowed); sorted, each once.
    static func errorCodes(_ text: String) -> Result<[Int], GrammarFailure> {
        var codes = Set<Int>()
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let word = item.trimmingCharacters(" ")
            guard word.utf8.count == 3, word.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let code = Int(word) else {
                return .failure(GrammarFailure(word.isEmpty ? "an empty code" : "\(AnnotationValue.quoted(String(word))) is not a status code"))
            }
            guard (400...599).contains(code) else { return .failure(GrammarFailure("\(code) is not an error status (400–599)")) }
            codes.insert(code)
        }
        return .success(codes.sorted())
    }

    static let serviceAccepted = "the name of a Service in the Ingress's namespace (a DNS label)"

    /// `default-backend`: a Service name (RFC 1123 label), in the Ingress's namespace.
    static func service(_ text: String) -> Result<String, GrammarFailure> {
        guard !text.isEmpty else { return .failure(GrammarFailure("empty")) }
        let bytes = Array(text.utf8)
        let isLabel = bytes.count <= 63 && bytes.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }
            && bytes.first != 0x2D && bytes.last != 0x2D
        return isLabel ? .success(text) : .failure(GrammarFailure("not a Service name (lowercase letters, digits and '-', at most 63)"))
    }
}
