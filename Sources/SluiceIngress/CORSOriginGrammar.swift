import SluiceRouting

/// `cors-allow-origin`: a comma-separated list of `*`, origins (`https://app.example.com`,
/// `http://localhost:8080`) and one-label wildcards (`https://*.example.com`), as ingress-nginx
/// reads it; compared case-insensitively, so kept in lower case.
enum CORSOriginGrammar {
    static let accepted = "*, or a comma-separated list of origins (scheme://host[:port]), a host may start with *."

    static func parse(_ text: String) -> Result<[CORSPolicy.AllowedOrigin], GrammarFailure> {
        var origins: [CORSPolicy.AllowedOrigin] = []
        for part in text.split(separator: ",") {
            let entry = part.trimmingCharacters(" \t").lowercased()
            if entry.isEmpty { continue }
            guard let origin = origin(entry) else {
                return .failure(GrammarFailure("\(AnnotationValue.quoted(entry)) is not an origin"))
            }
            origins.append(origin)
        }
        guard !origins.isEmpty else { return .failure(GrammarFailure("empty")) }
        return .success(origins)
    }

    private static func origin(_ entry: String) -> CORSPolicy.AllowedOrigin? {
        if entry == "*" { return .any }
        guard let (scheme, parsedHost, port) = CORSPolicy.parts(of: Substring(entry)) else { return nil }
        guard let first = scheme.first, first.isASCII, first.isLetter,
            scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) })
        else { return nil }
        if let digits = port {
            guard !digits.isEmpty, digits.count <= 5, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        }
        var host = parsedHost
        let wildcard = host.hasPrefix("*.")
        if wildcard { host = host.dropFirst(2) }
        guard isHost(host) else { return nil }
        if wildcard { return .subdomain(scheme: String(scheme), suffix: String(host), port: port.map(String.init)) }
        return .exact(entry)
    }

    /// DNS labels (letters, digits, `-`) or a bracketed IPv6 address.
    private static func isHost(_ host: Substring) -> Bool {
        if host.hasPrefix("[") { return host.hasSuffix("]") && host.dropFirst().dropLast().allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." } }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        return !labels.isEmpty && labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }
}
