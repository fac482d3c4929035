import CPasswordHash
import SluiceRouting

/// Checks a password against an htpasswd hash (`PasswordHash`) with the hash functions Apache's
/// `htpasswd` uses: libxcrypt's `crypt_rn` for bcrypt and the crypt(3) SHA-256/SHA-512 schemes,
/// apr-util's `apr_md5_encode` for `$apr1$` and `apr_sha1_base64` for `{SHA}`. No hashing is
/// done here.
///
/// Not `apr_password_validate`, which does the whole check in one call: in apr-util 1.6.3 it
/// ends with `strcmp` (its time depends on how many leading characters of the hash a guess
/// got right), and it sends `$2b$` bcrypt to the system's crypt. Instead the hash of the
/// password is computed with the stored hash as its setting (salt and cost), and the two are
/// compared in constant time (``equalInConstantTime(_:_:)``).
///
/// CPU work: a bcrypt check costs milliseconds (measured on the 2-core test machine under load:
/// `htpasswd -B`'s cost 5 ~5 ms, cost 12 ~400 ms; `$6$` ~3 ms, `$apr1$` ~0.3 ms, `{SHA}` ~1 µs),
/// so the proxy runs it off the event loop (`ProxiedExchange+BasicAuth`). Thread-safe:
/// each call has its own buffers.
enum PasswordVerifier {
    /// The longest password checked; a longer one never matches (bounds the work a guess costs).
    static let maxPasswordBytes = 1024

    /// Whether `password` hashes to `hash`. A password with a NUL byte never matches (C would
    /// check only what comes before it).
    static func matches(_ password: [UInt8], _ hash: PasswordHash) -> Bool {
        guard let computed = self.hash(password, like: hash) else { return false }
        return equalInConstantTime(computed, Array(hash.encoded.utf8))
    }

    /// The hash of `password` in `hash`'s kind, with its salt and cost; nil when the library
    /// refuses (or the password cannot be checked).
    static func hash(_ password: [UInt8], like hash: PasswordHash) -> [UInt8]? {
        guard password.count <= maxPasswordBytes, !password.contains(0) else { return nil }
        let phrase = password.map { CChar(bitPattern: $0) } + [0]
        switch hash.kind {
        case .bcrypt, .sha256Crypt, .sha512Crypt:
            // `struct crypt_data` is 32 KB: on the heap, zeroed as crypt_rn asks.
            let size = MemoryLayout<crypt_data>.size
            let data = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: MemoryLayout<crypt_data>.alignment)
            defer {
                data.initializeMemory(as: UInt8.self, repeating: 0, count: size)
                data.deallocate()
            }
            data.initializeMemory(as: UInt8.self, repeating: 0, count: size)
            guard let output = crypt_rn(phrase, hash.encoded, data, Int32(size)) else { return nil }
            let text = Array(String(cString: output).utf8)
            // Failure may be a `*`-prefixed token instead of NULL (libxcrypt's crypt_rn is
            // documented to return NULL, but be sure).
            return text.first == UInt8(ascii: "*") ? nil : text
        case .apr1:
            var result = [CChar](repeating: 0, count: 128)
            guard apr_md5_encode(phrase, hash.encoded, &result, result.count) == APR_SUCCESS else { return nil }
            return terminated(result)
        case .sha1:
            var result = [CChar](repeating: 0, count: 64)
            apr_sha1_base64(phrase, Int32(password.count), &result)
            return terminated(result)
        }
    }

    /// The bytes of a C string in `buffer`, up to its NUL.
    private static func terminated(_ buffer: [CChar]) -> [UInt8] {
        buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    }

    /// Whether `a` and `b` are equal, in a time that depends on their lengths only (never on
    /// where they first differ). The length of a computed hash is the same for every password
    /// of a kind, so it tells nothing.
    static func equalInConstantTime(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
