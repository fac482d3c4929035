import SluiceRouting

/// `affinity`, `affinity-mode` and the `session-cookie-*` values.
enum SessionAffinityGrammars {
    static let affinityAccepted = "cookie"

    /// `cookie`, the one kind ingress-nginx has.
    static func affinity(_ text: String) -> Result<Void, GrammarFailure> {
        switch text {
        case "cookie": .success(())
        case "": .failure(GrammarFailure("empty"))
        default: .failure(GrammarFailure("not an affinity kind"))
        }
    }

    static let modeAccepted = "balanced or persistent"

    static func mode(_ text: String) -> Result<SessionAffinity.Mode, GrammarFailure> {
        guard let mode = SessionAffinity.Mode(rawValue: text) else {
            return .failure(GrammarFailure(text.isEmpty ? "empty" : "not an affinity mode"))
        }
        return .success(mode)
    }

    static let nameAccepted = "a cookie name: letters, digits and !#$%&'*+-.^_`|~ (RFC 6265), at most 64 characters"

    static func name(_ text: String) -> Result<String, GrammarFailure> {
        guard !text.isEmpty else { return .failure(GrammarFailure("empty")) }
        guard text.utf8.count <= 64 else { return .failure(GrammarFailure("longer than 64 characters")) }
        let punctuation = Set("!#$%&'*+-.^_`|~".utf8)
        guard text.utf8.allSatisfy({ $0 < 0x80 && (isAlphanumeric($0) || punctuation.contains($0)) }) else {
            return .failure(GrammarFailure("holds a character a cookie name cannot"))
        }
        return .success(text)
    }

    static let pathAccepted = "a path starting with /, without spaces, ; or control characters"

    static func path(_ text: String) -> Result<String, GrammarFailure> {
        guard text.hasPrefix("/") else { return .failure(GrammarFailure(text.isEmpty ? "empty" : "does not start with /")) }
        guard text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ";") }) else {
            return .failure(GrammarFailure("holds a space, ; or a character outside visible ASCII"))
        }
        return .success(text)
    }

    static let secondsAccepted = "whole seconds, from 1 to 315360000 (10 years)"

    static func seconds(_ text: String) -> Result<Int, GrammarFailure> {
        guard !text.isEmpty else { return .failure(GrammarFailure("empty")) }
        guard text.utf8.count <= 9, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let value = Int(text) else {
            return .failure(GrammarFailure("not a whole number of seconds"))
        }
        guard (1...315_360_000).contains(value) else { return .failure(GrammarFailure("out of range")) }
        return .success(value)
    }

    static let sameSiteAccepted = "None, Lax or Strict"

    /// Any case; written as RFC 6265bis spells it.
    static func sameSite(_ text: String) -> Result<String, GrammarFailure> {
        switch text.lowercased() {
        case "none": .success("None")
        case "lax": .success("Lax")
        case "strict": .success("Strict")
        default: .failure(GrammarFailure(text.isEmpty ? "empty" : "not a SameSite value"))
        }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }
}
