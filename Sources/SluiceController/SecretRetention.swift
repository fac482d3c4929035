import KubeModels

/// Which Secrets' data (certificates and private keys of TLS Secrets, the `ca.crt` of the
/// `Opaque` ones TLS to backends and client certificates trust, the htpasswd files of basic auth)
/// the cache holds, and which Secrets to fetch by name. Pure: the cache feeds it what arrives and
/// applies what it says; the I/O is ``SecretFetcher``'s.
///
/// Only the Secrets translation reads (``TranslationResult/referencedSecrets``: the `spec.tls`
/// Secrets of our Ingresses, their `proxy-ssl-secret`s, `auth-tls-secret`s and `auth-secret`s
/// and the default certificate's) keep their
/// data. Every other one is
/// held as ``stub(_:)``: enough to know it exists, no key material. Until the first reconcile has
/// said what is referenced, everything is kept, so the first table is complete.
///
/// A Secret that becomes referenced while held as a stub is fetched (a GET by name). Ordering:
/// resourceVersions are opaque (only equality means anything), so a GET result and a watch event
/// are never ordered by their versions. The one order trusted is the order things reach the
/// cache: any LIST or watch event for a Secret that arrives while its GET is in flight
/// *supersedes* the GET, whose result is then dropped (the event may be older than the GET's
/// answer, but then the watch has yet to deliver the newer one, and will); and any event after a
/// GET result was stored replaces it, as every event does.
struct SecretRetention: Sendable, Hashable {
    /// `namespace/name` of the Secrets whose data is kept; nil until the first reconcile.
    private(set) var referenced: Set<String>?
    /// `namespace/name` of the Secrets held as stubs.
    private(set) var withheld: Set<String> = []
    /// The GETs in flight, and whether an event has superseded each.
    private var fetching: [String: Bool] = [:]

    /// `namespace/name` of the Secrets with a GET in flight.
    var inFlight: Set<String> { Set(fetching.keys) }

    /// What a GET of one Secret returned.
    enum FetchResult: Sendable, Hashable {
        case found(Secret)
        /// 404.
        case notFound
        /// Anything else (403, 5xx, a broken connection).
        case failed
    }

    /// What the cache does with a GET result.
    enum Fold: Sendable, Hashable {
        /// Store this Secret (the GET result) in place of the stub.
        case store(Secret)
        /// The Secret is gone: remove it.
        case remove
        /// Change nothing.
        case drop
        /// The GET failed and the data is still wanted: try again after backoff.
        case retry
    }

    /// The form to store `secret` in, as a LIST or a watch event delivered it; supersedes a GET
    /// of it in flight.
    mutating func admit(_ secret: Secret) -> Secret {
        let key = secret.namespacedName
        supersede(key)
        guard keepsData(of: key) else {
            withheld.insert(key)
            return Self.stub(secret)
        }
        withheld.remove(key)
        return secret
    }

    /// A watch event or a LIST said the Secret is gone; supersedes a GET of it in flight.
    mutating func removed(_ key: String) {
        supersede(key)
        withheld.remove(key)
    }

    /// Whether a change to this Secret can change the routing table: only a referenced one's can
    /// (or any, before the first reconcile).
    func matters(_ key: String) -> Bool {
        keepsData(of: key)
    }

    /// The reconcile's answer: translation read exactly `keys`. Returns the Secrets of `held`
    /// (the keys the cache holds) whose data must now be dropped.
    mutating func reference(_ keys: Set<String>, held: some Sequence<String>) -> [String] {
        referenced = keys
        return held.filter { !keys.contains($0) && !withheld.contains($0) }
    }

    /// The cache replaced `key`'s data with ``stub(_:)``.
    mutating func dropped(_ key: String) {
        withheld.insert(key)
    }

    /// The referenced Secrets held as stubs with no GET in flight, now marked in flight: fetch
    /// them.
    mutating func startFetches() -> [String] {
        guard let referenced else { return [] }
        let due = withheld.intersection(referenced).subtracting(fetching.keys).sorted()
        for key in due { fetching[key] = false }
        return due
    }

    /// A GET of `key` ended with `result`.
    mutating func fetched(_ key: String, _ result: FetchResult) -> Fold {
        guard let superseded = fetching[key] else { return .drop }
        let wanted = withheld.contains(key) && keepsData(of: key)
        guard !superseded, wanted else {
            fetching[key] = nil
            return .drop
        }
        switch result {
        case .found(let secret) where (secret.isTLS || secret.isOpaque) && secret.namespacedName == key:
            fetching[key] = nil
            withheld.remove(key)
            return .store(secret)
        case .found, .notFound:
            // Another type (the name was reused by a Secret the field selectors hide) is, to a
            // reader of these Secrets, none at all; the watch will say the same.
            fetching[key] = nil
            withheld.remove(key)
            return .remove
        case .failed:
            return .retry
        }
    }

    /// `secret` without its contents: namespace, name, uid (Events name it), resourceVersion and
    /// type. Labels and annotations go too: `kubectl apply` copies the whole Secret, data
    /// included, into the `last-applied-configuration` annotation.
    static func stub(_ secret: Secret) -> Secret {
        Secret(
            apiVersion: secret.apiVersion, kind: secret.kind,
            metadata: ObjectMeta(
                name: secret.metadata.name, namespace: secret.metadata.namespace, uid: secret.metadata.uid,
                resourceVersion: secret.metadata.resourceVersion),
            type: secret.type)
    }

    private func keepsData(of key: String) -> Bool {
        referenced?.contains(key) ?? true
    }

    private mutating func supersede(_ key: String) {
        if fetching[key] != nil { fetching[key] = true }
    }
}
