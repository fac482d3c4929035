import Foundation
import SluiceRouting

/// The values of the `auth-tls-*` annotations (client certificates), as ingress-nginx reads them.
/// `auth-tls-secret` is a `SecretNameGrammar`, `auth-tls-pass-certificate-to-upstream` a
/// `BooleanGrammar`.
enum ClientCertificateGrammars {
    /// `auth-tls-verify-client`: `off` is nil (no client certificate asked for).
    static let verificationAccepted = "on, off, optional or optional_no_ca"
    static func verification(_ text: String) -> Result<ClientCertificateAuth.Verification?, GrammarFailure> {
        let value = text.trimmingCharacters(in: .whitespaces)
        if value == "off" { return .success(nil) }
        guard let verification = ClientCertificateAuth.Verification(rawValue: value) else {
            return .failure(GrammarFailure("not a verification mode"))
        }
        return .success(verification)
    }

    /// `auth-tls-verify-depth`: the CA certificates allowed between the client's and the root,
    /// counting the root (1: issued by a CA of the Secret itself).
    static let depthAccepted = "a whole number from 1 to 10"
    static func depth(_ text: String) -> Result<Int, GrammarFailure> {
        let value = text.trimmingCharacters(in: .whitespaces)
        guard !value.isEmpty, value.utf8.count <= 2, value.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
            let depth = Int(value), (1...10).contains(depth)
        else { return .failure(GrammarFailure("not a whole number from 1 to 10")) }
        return .success(depth)
    }

    /// `auth-tls-error-page`: where a refused request is redirected.
    static let errorPageAccepted = "an http:// or https:// URL, or a path starting with /"
    static func errorPage(_ text: String) -> Result<String, GrammarFailure> {
        let value = text.trimmingCharacters(in: .whitespaces)
        let lower = value.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") || (value.hasPrefix("/") && !value.hasPrefix("//")),
            !value.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F || $0 == UInt8(ascii: "\"") })
        else { return .failure(GrammarFailure("not an http(s) URL nor a path")) }
        return .success(value)
    }
}
