import SluiceRouting

/// `proxy-ssl-name`: the name sent as SNI and verified in the backend's certificate — a DNS name
/// or an IP address. nginx variables (`$host`) are not read.
enum ServerNameGrammar {
    static let accepted = "a DNS name like api.internal or an IP address"

    static func parse(_ text: String) -> Result<String, GrammarFailure> {
        if text.isEmpty { return .failure(GrammarFailure("empty")) }
        if text.contains("$") { return .failure(GrammarFailure("nginx variables are not supported")) }
        if let address = IPAddress(text) { return .success(address.description) }
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        guard text.utf8.count <= 253,
            labels.allSatisfy({ label in
                !label.isEmpty && label.utf8.count <= 63 && label.first != "-" && label.last != "-"
                    && label.utf8.allSatisfy { $0 == UInt8(ascii: "-") || isAlphanumeric($0) }
            })
        else { return .failure(GrammarFailure("not a DNS name")) }
        return .success(text.lowercased())
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}

/// `proxy-ssl-secret`: `namespace/name`, or `name` alone for the Ingress's own namespace (as
/// ingress-nginx reads it). Parsed into its two parts; the namespace is checked by the reader of
/// the Secret.
enum SecretNameGrammar {
    /// A Secret as named; `namespace` nil: the Ingress's.
    struct Name: Hashable, Sendable {
        var namespace: String?
        var name: String
    }

    static let accepted = "namespace/name of a Secret"

    static func parse(_ text: String) -> Result<Name, GrammarFailure> {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 2 else { return .failure(GrammarFailure("more than one /")) }
        guard parts.allSatisfy(isObjectName) else { return .failure(GrammarFailure("not a Kubernetes object name")) }
        return .success(parts.count == 2 ? Name(namespace: parts[0], name: parts[1]) : Name(namespace: nil, name: parts[0]))
    }

    /// A DNS subdomain, as Kubernetes names Secrets and namespaces.
    private static func isObjectName(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 253, text.first != "-", text.first != ".", text.last != "-",
            text.last != "."
        else { return false }
        return text.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
        }
    }
}
