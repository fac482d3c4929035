/// Basic authentication (`auth-type: basic`, RFC 7617): a request goes upstream only with an
/// `Authorization: Basic` naming one of `users` and a password matching its hash; any other
/// gets `401` with `WWW-Authenticate: Basic realm="<realm>"`. Read from the `auth-secret` Secret
/// by translation, which fails the route closed rather than build one from a Secret it cannot
/// read whole.
public struct BasicAuth: Hashable, Sendable {
    /// The realm named in the challenge (`auth-realm`; empty by default, as ingress-nginx's).
    public var realm: String
    /// Each user's password hash.
    public var users: [String: PasswordHash]
    /// `namespace/name` of the Secret the users come from (for logs and the routing table).
    public var secret: String

    public init(realm: String, users: [String: PasswordHash], secret: String) {
        self.realm = realm
        self.users = users
        self.secret = secret
    }
}

/// One htpasswd password hash, of a kind the proxy checks (`PasswordVerifier`). Made only by
/// ``parse(_:)``, so a route never carries a hash it cannot check.
///
/// Accepted: bcrypt (`$2y$`, `$2b$`, `$2a$`: `htpasswd -B`), Apache MD5 (`$apr1$`: `htpasswd -m`,
/// its default), SHA-1 (`{SHA}`: `htpasswd -s`), and the crypt(3) SHA-256 and SHA-512 schemes
/// (`$5$`, `$6$`: `htpasswd -2`/`-5`). Refused, loudly: traditional crypt(3) DES
/// (`htpasswd -d`), which uses only the first 8 characters of a password, and plain text
/// (`htpasswd -p`); nginx takes both (it hands any unknown string to crypt(3)), so a Secret
/// holding them fails closed with a Warning telling to hash again rather than being served weaker
/// or misread.
public struct PasswordHash: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        case bcrypt
        case apr1
        case sha1
        case sha256Crypt = "sha256-crypt"
        case sha512Crypt = "sha512-crypt"
    }

    public let kind: Kind
    /// The hash as stored (`$2y$05$...`), which also carries its salt and cost.
    public let encoded: String

    /// The hash `text` holds, or why it is refused.
    public static func parse(_ text: String) -> Result<PasswordHash, PasswordHashProblem> {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return .failure(.empty) }
        guard bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return .failure(.unknownKind) }
        let kind: Kind
        if text.hasPrefix("$2y$") || text.hasPrefix("$2b$") || text.hasPrefix("$2a$") {
            // `$2y$CC$` + 22 characters of salt + 31 of hash.
            guard bytes.count == 60 else { return .failure(.malformed(.bcrypt)) }
            kind = .bcrypt
        } else if text.hasPrefix("$apr1$") {
            guard text.split(separator: "$", omittingEmptySubsequences: false).count == 4 else {
                return .failure(.malformed(.apr1))
            }
            kind = .apr1
        } else if text.hasPrefix("{SHA}") {
            // Base64 of 20 bytes.
            guard bytes.count == 5 + 28, bytes.last == UInt8(ascii: "=") else { return .failure(.malformed(.sha1)) }
            kind = .sha1
        } else if text.hasPrefix("$5$") || text.hasPrefix("$6$") {
            // `$5$[rounds=N$]salt$` + 43 characters of hash (`$6$`: 86).
            kind = text.hasPrefix("$5$") ? .sha256Crypt : .sha512Crypt
            let last = text.split(separator: "$", omittingEmptySubsequences: false).dropFirst(3).last
            guard let last, last.utf8.count == (kind == .sha256Crypt ? 43 : 86) else { return .failure(.malformed(kind)) }
        } else if bytes.count == 13, bytes.allSatisfy(Self.isCryptCharacter) {
            return .failure(.descrypt)
        } else {
            return .failure(.unknownKind)
        }
        return .success(PasswordHash(kind: kind, encoded: text))
    }

    private init(kind: Kind, encoded: String) {
        self.kind = kind
        self.encoded = encoded
    }

    /// The alphabet of crypt(3) hashes: `./0-9A-Za-z`.
    private static func isCryptCharacter(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ".") || byte == UInt8(ascii: "/") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
    }
}

/// Why a stored password hash is refused (see `PasswordHash`).
public enum PasswordHashProblem: Error, Hashable, Sendable {
    case empty
    /// Traditional crypt(3) DES, or plain text that looks like it.
    case descrypt
    /// Plain text, or a scheme not checked (`{SSHA}`, `$1$`...).
    case unknownKind
    /// The right prefix, but not the shape of a hash of that kind.
    case malformed(PasswordHash.Kind)

    public var description: String {
        switch self {
        case .empty: "an empty password hash"
        case .descrypt: "a crypt(3) DES hash (or a plain-text password), refused: it checks only 8 characters; hash it again with htpasswd -B"
        case .unknownKind: "not a password hash Sluice checks (bcrypt, $apr1$, {SHA}, $5$, $6$): a plain-text password? hash it with htpasswd -B"
        case .malformed(let kind): "a malformed \(kind.rawValue) hash"
        }
    }
}
