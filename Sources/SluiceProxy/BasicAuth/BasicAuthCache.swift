import Crypto
import Foundation

/// One event loop's memory of passwords recently checked good, so that a client sending the
/// same credentials with each request (as browsers do) pays a password hash once, not per
/// request (bcrypt costs milliseconds of CPU).
///
/// Kept so that it leaks nothing usable: an entry is an HMAC-SHA256, under a key random per
/// process, of the user, the password *and the stored hash*; no password is kept. The stored
/// hash in the key means a changed or removed user (a new Secret) finds no entry: there is
/// nothing to expire. Only successes are kept; a wrong password is hashed every time. Bounded:
/// when full, it starts over. The trade: an attacker who can read the proxy's memory (and the
/// key) could test guesses against an entry at HMAC speed instead of bcrypt speed — but such an
/// attacker reads the passwords in the requests going by as well.
struct BasicAuthCache {
    static let capacity = 10_000
    private static let key = SymmetricKey(size: .bits256)
    private var entries: Set<Data> = []

    /// The entry of `password` for `user` whose stored hash is `hash`.
    static func entry(user: String, password: [UInt8], hash: String) -> Data {
        var message = Array(user.utf8)
        message.append(0)
        message += password
        message.append(0)
        message += hash.utf8
        return Data(HMAC<SHA256>.authenticationCode(for: message, using: key))
    }

    func contains(_ entry: Data) -> Bool {
        entries.contains(entry)
    }

    mutating func insert(_ entry: Data) {
        if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
        entries.insert(entry)
    }
}
