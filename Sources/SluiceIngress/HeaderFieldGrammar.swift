import SluiceRouting

/// Header field names and values as annotations give them (RFC 9110 §5): names are tokens,
/// values visible ASCII, spaces and tabs, trimmed. Shared by the header lists and the CORS
/// settings (and `sluice`'s `--hide-headers`).
public enum HeaderFieldGrammar {
    /// A `tchar` of RFC 9110 §5.6.2.
    static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    public static func isToken<S: StringProtocol>(_ text: S) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy(isTokenCharacter)
    }

    /// A field value: no control character but tab, nothing outside ASCII (a value is sent as
    /// bytes; a client may read other bytes differently).
    static func isValue<S: StringProtocol>(_ text: S) -> Bool {
        text.utf8.allSatisfy { $0 == 0x09 || (0x20...0x7E).contains($0) }
    }

    /// Names a route may not set: the connection's own (hop-by-hop), the framing, the routing
    /// key, and HTTP/2 pseudo-fields (which are not tokens anyway).
    static let forbiddenNames: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
        "host", "content-length",
    ]

    /// `text` as a comma-separated list of tokens (or `*` when `allowingWildcard`), rewritten
    /// `a, b, c`.
    static func tokenList(_ text: String, allowingWildcard: Bool) -> Result<String, GrammarFailure> {
        var tokens: [Substring] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let token = part.trimmingCharacters(" \t")
            if token.isEmpty { continue }
            guard isToken(token) && (allowingWildcard || token != "*") else {
                return .failure(GrammarFailure("\(AnnotationValue.quoted(String(token))) is not a token"))
            }
            tokens.append(token)
        }
        guard !tokens.isEmpty else { return .failure(GrammarFailure("empty")) }
        return .success(tokens.joined(separator: ", "))
    }
}

extension Substring {
    /// Without leading and trailing characters among `set`.
    func trimmingCharacters(_ set: String) -> Substring {
        var result = self
        while let first = result.first, set.contains(first) { result = result.dropFirst() }
        while let last = result.last, set.contains(last) { result = result.dropLast() }
        return result
    }
}

/// `sluice.io/response-headers` and `sluice.io/request-headers`: one `Name: value` field a
/// line (a YAML block scalar, `|`), blank lines ignored. A line without `:`, a name that is not
/// a token or is forbidden (``HeaderFieldGrammar/forbiddenNames``), a value with a control
/// character, or a name given twice rejects the whole list.
enum HeaderListGrammar {
    static let accepted = "one \"Name: value\" field a line; names are tokens, not hop-by-hop, Host or Content-Length; values printable ASCII"

    static func parse(_ text: String) -> Result<[HeaderField], GrammarFailure> {
        if text.utf8.contains(UInt8(ascii: "\r")) { return .failure(GrammarFailure("contains a carriage return")) }
        var fields: [HeaderField] = []
        for line in text.split(separator: "\n") {
            let line = line.trimmingCharacters(" \t")
            if line.isEmpty { continue }
            guard let colon = line.firstIndex(of: ":") else {
                return .failure(GrammarFailure("\(AnnotationValue.quoted(String(line))) has no \":\""))
            }
            let name = line[..<colon]
            let value = line[line.index(after: colon)...].trimmingCharacters(" \t")
            guard HeaderFieldGrammar.isToken(name) else {
                return .failure(GrammarFailure("\(AnnotationValue.quoted(String(name))) is not a field name"))
            }
            guard !HeaderFieldGrammar.forbiddenNames.contains(name.lowercased()) else {
                return .failure(GrammarFailure("\(name) may not be set"))
            }
            guard HeaderFieldGrammar.isValue(value) else {
                return .failure(GrammarFailure("the value of \(name) holds a control or non-ASCII character"))
            }
            guard !fields.contains(where: { $0.name.lowercased() == name.lowercased() }) else {
                return .failure(GrammarFailure("\(name) is given twice"))
            }
            fields.append(HeaderField(name: String(name), value: String(value)))
        }
        guard !fields.isEmpty else { return .failure(GrammarFailure("no field")) }
        return .success(fields)
    }
}
