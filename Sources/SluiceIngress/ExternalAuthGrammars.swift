import SluiceRouting

/// The grammars of the external auth annotations (`auth-url` and friends).
enum ExternalAuthGrammars {
    typealias Address = (host: String, port: Int, authority: String, target: String, secure: Bool)

    static let urlAccepted = "an http:// or https:// URL, without nginx variables"
    static func url(_ raw: String) -> Result<Address, GrammarFailure> {
        let text = raw.withoutSurroundingSpaces
        if text.contains("$") { return .failure(GrammarFailure("nginx variables are not expanded in auth-url")) }
        guard let address = ExternalAuth.parseURL(text) else {
            return .failure(GrammarFailure("not an http:// or https:// URL"))
        }
        return .success(address)
    }

    static let methodAccepted = "an HTTP method (GET, HEAD, POST...)"
    static func method(_ raw: String) -> Result<String, GrammarFailure> {
        let text = raw.withoutSurroundingSpaces
        guard !text.isEmpty, text.utf8.allSatisfy({ (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }) else {
            return .failure(GrammarFailure("not an upper-case method name"))
        }
        return .success(text)
    }

    static let signinAccepted = "an http:// or https:// URL that may name $host, $http_host, $scheme, $request_uri, $escaped_request_uri"
    static func signin(_ raw: String) -> Result<String, GrammarFailure> {
        let text = raw.withoutSurroundingSpaces
        let lower = text.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://"), !text.contains(" ") else {
            return .failure(GrammarFailure("not an absolute http(s) URL"))
        }
        let unknown = SigninTemplate.unknownVariables(in: text)
        guard unknown.isEmpty else {
            return .failure(GrammarFailure("unsupported variable(s) \(unknown.map { "$" + $0 }.joined(separator: ", "))"))
        }
        return .success(text)
    }

    static let tokenAccepted = "a query parameter name (letters, digits, -, _)"
    static func token(_ raw: String) -> Result<String, GrammarFailure> {
        let text = raw.withoutSurroundingSpaces
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            return .failure(GrammarFailure("not a parameter name"))
        }
        return .success(text)
    }

    static let headerListAccepted = "field names separated by commas"
    static func headerList(_ raw: String) -> Result<[String], GrammarFailure> {
        let names = raw.split(separator: ",").map { $0.withoutSurroundingSpaces.lowercased() }.filter { !$0.isEmpty }
        let token = { (c: Character) in c.isASCII && (c.isLetter || c.isNumber || "!#$%&'*+-.^_`|~".contains(c)) }
        guard !names.isEmpty, names.allSatisfy({ $0.allSatisfy(token) }) else {
            return .failure(GrammarFailure("not a list of field names"))
        }
        return .success(names)
    }

    static let redirectAccepted = "a URI or URL (no spaces)"
    static func redirect(_ raw: String) -> Result<String, GrammarFailure> {
        let text = raw.withoutSurroundingSpaces
        guard !text.isEmpty, !text.contains(" "), !text.contains("$") else {
            return .failure(GrammarFailure("not a URI without spaces and nginx variables"))
        }
        return .success(text)
    }
}

extension StringProtocol {
    /// Without the spaces around it (annotation values are often written `a, b`).
    fileprivate var withoutSurroundingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}

extension ExternalAuthGrammars {
    static let cacheKeyAccepted = "text with " + RequestKeyPart.acceptedVariables
    static func cacheKey(_ raw: String) -> Result<[RequestKeyPart], GrammarFailure> {
        let (parts, unknown) = RequestKeyPart.parse(raw)
        guard unknown.isEmpty else { return .failure(GrammarFailure("unsupported variable(s) \(unknown.joined(separator: ", "))")) }
        return parts.isEmpty ? .failure(GrammarFailure("empty")) : .success(parts)
    }

    static let cacheDurationAccepted = "statuses then a duration, like 200 202 10m (only 2xx statuses are cached)"
    static func cacheDuration(_ raw: String) -> Result<(statuses: Set<Int>, duration: Duration), GrammarFailure> {
        let words = raw.split(separator: " ").map(String.init)
        guard let last = words.last else { return .failure(GrammarFailure("empty")) }
        let duration: Duration
        switch DurationGrammar.parse(last) {
        case .success(let value): duration = value
        case .failure(let failure): return .failure(failure)
        }
        var statuses: Set<Int> = []
        for word in words.dropLast() {
            guard let status = Int(word), (100...599).contains(status) else {
                return .failure(GrammarFailure("\(AnnotationValue.quoted(word)) is not a status"))
            }
            if (200...299).contains(status) { statuses.insert(status) }
        }
        return .success((words.count == 1 ? [200, 202] : statuses, duration))
    }
}
