import SluiceRouting

/// The grammars of the redirect and upstream-request annotations (`temporal-redirect`,
/// `permanent-redirect`, their `-code`s, `app-root`, `upstream-vhost`, `x-forwarded-prefix`).
enum RedirectGrammars {
    static let urlAccepted =
        "an absolute http:// or https:// URL, printable ASCII without spaces, which may hold $request_uri, $uri, $args, $query_string, $is_args, $host, $http_host, $scheme (or ${name})"

    /// A redirect URL: ingress-nginx accepts only `http` and `https` schemes; the nginx
    /// variables of ``RedirectLocation`` are resolved per request, any other is refused (nginx
    /// would resolve it; Sluice cannot).
    static func url(_ text: String) -> Result<RedirectLocation, GrammarFailure> {
        let value = String(Substring(text).trimmingCharacters(" \t"))
        let lower = value.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
            return .failure(GrammarFailure("not an http:// or https:// URL"))
        }
        guard value.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            return .failure(GrammarFailure("holds a space, a control or a non-ASCII character"))
        }
        guard case .success(let pieces) = NginxVariableText.split(value) else {
            return .failure(GrammarFailure("an unclosed ${ in the URL"))
        }
        var parts: [RedirectLocation.Part] = []
        for piece in pieces {
            switch piece {
            case .text(let text): parts.append(.text(text))
            case .variable(let name):
                guard let part = RedirectLocation.variables[String(name)] else {
                    return .failure(GrammarFailure("$\(name) is not a variable Sluice resolves"))
                }
                parts.append(part)
            }
        }
        return .success(RedirectLocation(text: value, parts: parts))
    }

    static let codeAccepted = "a redirect status code from 300 to 308"

    static func code(_ text: String) -> Result<Int, GrammarFailure> {
        guard let code = Int(Substring(text).trimmingCharacters(" \t")), (300...308).contains(code) else {
            return .failure(GrammarFailure("not a number from 300 to 308"))
        }
        return .success(code)
    }

    static let appRootAccepted = "a path starting with one / (letters, digits and -._~!$&'()*+,;=:@%/), no query"

    /// `app-root`: a path of this host. `//…` is refused: a client reads it as another host.
    static func appRoot(_ text: String) -> Result<String, GrammarFailure> {
        let value = String(Substring(text).trimmingCharacters(" \t"))
        guard value.hasPrefix("/"), !value.hasPrefix("//") else {
            return .failure(GrammarFailure("does not start with a single /"))
        }
        let allowed = Set("-._~!$&'()*+,;=:@%/".utf8)
        guard value.utf8.allSatisfy({ byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || allowed.contains(byte)
        }) else {
            return .failure(GrammarFailure("holds a character a path may not"))
        }
        return .success(value)
    }

    static let virtualHostAccepted = "a host name or address, optionally with :port (what the backend gets as Host)"

    /// `upstream-vhost`: the `Host` the backend gets.
    static func virtualHost(_ text: String) -> Result<String, GrammarFailure> {
        let value = String(Substring(text).trimmingCharacters(" \t"))
        guard !value.isEmpty, value.utf8.count <= 261 else { return .failure(GrammarFailure("empty or too long")) }
        let allowed = Set("-._:[]".utf8)
        guard value.utf8.allSatisfy({ byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || allowed.contains(byte)
        }) else {
            return .failure(GrammarFailure("not a host name or address"))
        }
        return .success(value)
    }

    static let prefixAccepted = "a header value (printable ASCII), usually the path prefix the backend is served under"

    static func prefix(_ text: String) -> Result<String, GrammarFailure> {
        let value = String(Substring(text).trimmingCharacters(" \t"))
        guard !value.isEmpty else { return .failure(GrammarFailure("empty")) }
        guard HeaderFieldGrammar.isValue(value) else { return .failure(GrammarFailure("holds a control or non-ASCII character")) }
        return .success(value)
    }
}
