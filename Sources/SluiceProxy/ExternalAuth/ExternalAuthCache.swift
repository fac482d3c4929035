import NIOCore
import NIOHTTP1
import SluiceRouting

/// One event loop's cache of external auth allows (`auth-cache-key`), bounded: each entry is
/// the fields the allow copies upstream, until its expiry. Only allows are kept; a denial or a
/// failure is asked again every time.
struct ExternalAuthCache {
    /// The most entries kept; when full, expired ones go, and if none had, all of them.
    static let capacity = 10_000
    private var entries: [Key: (expires: NIODeadline, fields: HTTPHeaders)] = [:]

    /// An entry's identity: the auth service's URL and the expanded key.
    struct Key: Hashable {
        var service: String
        var key: String
    }

    /// The cached allow for `key`, if not expired at `now`.
    mutating func allowed(_ key: Key, now: NIODeadline) -> HTTPHeaders? {
        guard let entry = entries[key] else { return nil }
        guard entry.expires > now else {
            entries[key] = nil
            return nil
        }
        return entry.fields
    }

    mutating func store(_ key: Key, fields: HTTPHeaders, until expires: NIODeadline, now: NIODeadline) {
        if entries.count >= Self.capacity {
            entries = entries.filter { $0.value.expires > now }
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
        }
        entries[key] = (expires, fields)
    }
}
