import Crypto
import SluiceRouting

/// The decisions of sticky sessions (`SessionAffinity`), as pure functions: which endpoint a
/// request's cookie names, the value a new cookie gets, and its `Set-Cookie` field.
///
/// A persistent cookie holds a token of its endpoint: an HMAC-SHA256 of the endpoint's address
/// under the route's token key (the Ingress's UID, which every replica reads and no client
/// sees), cut to 128 bits, in hex. The address cannot be read from it, nor found by trying the
/// pod network's addresses without the key; every replica makes the same token, so a client
/// may land on any of them. A balanced cookie holds a random key, hashed over the current
/// endpoints as `upstream-hash-by` hashes (`EndpointChoice.rendezvous`): it names no endpoint.
enum StickySession {
    /// The persistent token of `endpoint` under `key`.
    static func token(for endpoint: Endpoint, key: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(
            for: Array("\(endpoint.host):\(endpoint.port)".utf8), using: SymmetricKey(data: Array(key.utf8)))
        return hex(mac.prefix(16))
    }

    /// The endpoint (index into `tokens`, the tokens of the backend's endpoints in their order)
    /// a persistent `cookie` names; nil when it names none of them (its endpoint left or became
    /// unready, or the value is not a token).
    static func persistentEndpoint(cookie: Substring, tokens: [String]) -> Int? {
        tokens.firstIndex { $0[...] == cookie }
    }

    /// The endpoint (of `endpoints`) a balanced `cookie` is hashed to.
    static func balancedEndpoint(cookie: Substring, endpoints: [Endpoint]) -> Int {
        EndpointChoice.rendezvous(key: keyHash(cookie), endpoints: endpoints)
    }

    /// A new balanced key that hashes to `target` (an index into `endpoints`, which the route's
    /// balancer chose): random keys are drawn until one does (N draws on average, each N
    /// hashes). After `16 N` draws (a chance of about e⁻¹⁶) the last key is kept with whatever
    /// endpoint it hashes to, which `endpoint` reports.
    static func balancedKey(
        for target: Int, endpoints: [Endpoint], random: inout some RandomNumberGenerator
    ) -> (key: String, endpoint: Int) {
        var key = ""
        var landed = target
        for _ in 0..<max(1, 16 * endpoints.count) {
            key = hex(withUnsafeBytes(of: random.next() as UInt64) { Array($0) })
            landed = balancedEndpoint(cookie: key[...], endpoints: endpoints)
            if landed == target { break }
        }
        return (key, landed)
    }

    /// The cookie's `Path` when `session-cookie-path` is not set: the route's path, as
    /// ingress-nginx uses the location's.
    static func defaultPath(of route: PathMatch) -> String {
        switch route {
        case .exact(let path): path
        case .prefix(let path): path.isEmpty ? "/" : path
        // ingress-nginx asks for `session-cookie-path` with regex paths; without it, the
        // cookie is good for the whole host.
        case .regex: "/"
        }
    }

    /// The `Set-Cookie` value that gives the client `value` under `affinity`, with
    /// ingress-nginx's attributes and order: `Expires` (`now`, seconds since 1970, plus
    /// `expires`), `Max-Age`, `Path`, `Secure` (when set, or by default when the client came
    /// over HTTPS), `HttpOnly` always, `SameSite`.
    static func setCookie(value: String, affinity: SessionAffinity, path: String, https: Bool, now: Int) -> String {
        var text = "\(affinity.cookieName)=\(value)"
        if let expires = affinity.expires { text += "; Expires=" + HTTPDate.imfFixdate(secondsSince1970: now + expires) }
        if let maxAge = affinity.maxAge { text += "; Max-Age=\(maxAge)" }
        text += "; Path=\(affinity.path ?? path)"
        if affinity.secure ?? https { text += "; Secure" }
        text += "; HttpOnly"
        if let sameSite = affinity.sameSite { text += "; SameSite=\(sameSite)" }
        return text
    }

    private static func keyHash(_ cookie: Substring) -> UInt64 {
        var hash = FNV1a()
        hash.add(cookie.utf8)
        return hash.value
    }

    private static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
