/// The basic authentication annotations: `auth-type`, `auth-secret-type` and `auth-realm`
/// (`auth-secret` is a `SecretNameGrammar`).
enum BasicAuthGrammars {
    /// `auth-type`: what ingress-nginx accepts. Only `basic` is done; `digest` is refused by the
    /// reader (failing closed).
    enum AuthType: Hashable, Sendable {
        case basic
        case digest
    }

    static let authTypeAccepted = "basic (digest is not supported)"

    static func authType(_ text: String) -> Result<AuthType, GrammarFailure> {
        switch text {
        case "basic": .success(.basic)
        case "digest": .success(.digest)
        default: .failure(GrammarFailure("not basic or digest"))
        }
    }

    static let secretTypeAccepted = "auth-file (the Secret's key auth holds an htpasswd file) or auth-map (each key a user, its value the hash)"

    static func secretType(_ text: String) -> Result<BasicAuthSecretFormat, GrammarFailure> {
        switch text {
        case "auth-file": .success(.authFile)
        case "auth-map": .success(.authMap)
        default: .failure(GrammarFailure("not auth-file or auth-map"))
        }
    }

    static let realmAccepted = "text without quotes or backslashes"

    /// The realm goes into `WWW-Authenticate: Basic realm="..."` as a quoted string: printable
    /// ASCII and spaces, without `"` or `\` (ingress-nginx allows letters, digits and some
    /// punctuation only).
    static func realm(_ text: String) -> Result<String, GrammarFailure> {
        guard text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) else {
            return .failure(GrammarFailure("quotes, backslashes and control or non-ASCII characters are not allowed"))
        }
        return .success(text)
    }
}

/// How the `auth-secret` Secret holds its users (`auth-secret-type`).
enum BasicAuthSecretFormat: Hashable, Sendable {
    /// Its key `auth` holds an htpasswd file (the default).
    case authFile
    /// Each key is a user name, its value the user's password hash.
    case authMap
}

/// What the annotations ask of basic authentication, for the caller to read the Secret
/// (`AnnotationPolicyProcessor`).
struct BasicAuthReference: Hashable, Sendable {
    var secret: SecretNameGrammar.Name
    var format: BasicAuthSecretFormat
    var realm: String
}
