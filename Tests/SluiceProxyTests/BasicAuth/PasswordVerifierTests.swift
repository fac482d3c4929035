import SluiceRouting
import SluiceTestSupport
import Testing

@testable import SluiceProxy

/// Passwords checked against hashes made by Apache's real `htpasswd`, one of each kind it makes:
/// the right password matches, a wrong one, a longer one and one with a NUL do not; DES and
/// plain text are refused before any check.
@Suite("Basic auth: password verifier")
struct PasswordVerifierTests {
    static let checked: [(HtpasswdTool.Kind, PasswordHash.Kind)] = [
        (.bcrypt, .bcrypt), (.apr1, .apr1), (.sha1, .sha1), (.sha256Crypt, .sha256Crypt), (.sha512Crypt, .sha512Crypt),
    ]

    private static func hash(_ password: String, _ kind: HtpasswdTool.Kind) async throws -> String {
        let line = try await HtpasswdTool.line(user: "alice", password: password, kind: kind)
        #expect(line.hasPrefix("alice:"))
        return String(line.dropFirst("alice:".count))
    }

    @Test(arguments: checked)
    func eachKindMatchesItsPasswordOnly(tool: HtpasswdTool.Kind, kind: PasswordHash.Kind) async throws {
        let hash = try PasswordHash.parse(try await Self.hash("correct horse", tool)).get()
        #expect(hash.kind == kind)
        #expect(PasswordVerifier.matches(Array("correct horse".utf8), hash))
        #expect(!PasswordVerifier.matches(Array("correct horsf".utf8), hash))
        #expect(!PasswordVerifier.matches(Array("correct horse!".utf8), hash))
        #expect(!PasswordVerifier.matches(Array("correct horse".utf8) + [0, 0x41], hash), "C would stop at the NUL")
        #expect(!PasswordVerifier.matches([], hash))
    }

    /// `htpasswd` writes `$2y$`; `$2b$` and `$2a$` (other tools') are the same algorithm for a
    /// password of ASCII.
    @Test func everyBcryptPrefixIsChecked() async throws {
        let made = try await Self.hash("s3cret", .bcrypt)
        for prefix in ["$2y$", "$2b$", "$2a$"] {
            let hash = try PasswordHash.parse(prefix + made.dropFirst(4)).get()
            #expect(PasswordVerifier.matches(Array("s3cret".utf8), hash), "\(prefix)")
            #expect(!PasswordVerifier.matches(Array("s3cre".utf8), hash), "\(prefix)")
        }
    }

    @Test func desAndPlainTextAreRefused() async throws {
        #expect(PasswordHash.parse(try await Self.hash("secret", .descrypt)) == .failure(.descrypt))
        #expect(PasswordHash.parse(try await Self.hash("secret", .plain)) == .failure(.unknownKind))
        #expect(PasswordHash.parse("{SSHA}abcd") == .failure(.unknownKind))
        #expect(PasswordHash.parse("$2y$05$short") == .failure(.malformed(.bcrypt)))
        #expect(PasswordHash.parse("$6$salt$short") == .failure(.malformed(.sha512Crypt)))
        #expect(PasswordHash.parse("$5$salt") == .failure(.malformed(.sha256Crypt)))
        #expect(PasswordHash.parse("") == .failure(.empty))
    }

    @Test func constantTimeEqualityComparesEveryByte() {
        #expect(PasswordVerifier.equalInConstantTime(Array("abc".utf8), Array("abc".utf8)))
        #expect(!PasswordVerifier.equalInConstantTime(Array("abc".utf8), Array("abd".utf8)))
        #expect(!PasswordVerifier.equalInConstantTime(Array("xbc".utf8), Array("abc".utf8)))
        #expect(!PasswordVerifier.equalInConstantTime(Array("ab".utf8), Array("abc".utf8)))
        #expect(PasswordVerifier.equalInConstantTime([], []))
    }
}
