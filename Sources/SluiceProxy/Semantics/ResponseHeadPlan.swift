import NIOHTTP1

/// A field the proxy sets on a response head. It replaces any field of the same name the
/// upstream sent (the upstream's is dropped, never repeated), unless it `combines`: then it is
/// one more line of a list-valued field (`Vary: Origin` beside the upstream's `Vary`). A field
/// that `hides` only drops the upstream's (`--hide-headers`, the upstream's `Server`): it is
/// never written.
public struct ResponseField: Hashable, Sendable {
    public let name: String
    public let value: String
    /// `name` in lower case: what the upstream's field names are compared with.
    let lowercasedName: String
    /// The upstream's fields of the same name are kept (RFC 9110 §5.3: lines of a list-valued
    /// field combine).
    let combines: Bool
    /// The upstream's fields of this name are dropped and none is written in their place.
    let hides: Bool

    public init(name: String, value: String, combines: Bool = false) {
        self.name = name
        self.value = value
        self.lowercasedName = name.lowercased()
        self.combines = combines
        self.hides = false
    }

    /// The field that drops the upstream's fields named `name` (nginx's `proxy_hide_header`).
    public init(hiding name: String) {
        self.name = name
        self.value = ""
        self.lowercasedName = name.lowercased()
        self.combines = false
        self.hides = true
    }

    /// Whether an upstream field named `other` is replaced by this one.
    func isNamed(_ other: String) -> Bool {
        !combines && HeaderName.matches(other, lowercasedName: lowercasedName)
    }

    /// `isNamed(_:)` for a name's bytes.
    func isNamed(_ other: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !combines, other.count == lowercasedName.utf8.count else { return false }
        return lowercasedName.utf8.withContiguousStorageIfAvailable { HeaderName.matches(other, $0) } ?? false
    }
}

/// How the client's response head is made from the upstream's: decided once per response, and
/// consumed by every serializer — `ClientResponseHead.make` (the head the HTTP/1 encoder and an
/// HTTP/2 stream write), and the two writers of a relayed event stream's head
/// (`ClientResponseHead.serializeRelayed`, `ChunkedResponseHead.serializedForClient`). A response
/// edit made here reaches every path, relayed streams included.
///
/// What every serializer does with it, in this order: the upstream's fields without the
/// hop-by-hop ones and without those the plan sets or hides; then ``fields`` (but those that
/// only hide); then the HTTP/1
/// `Connection` field (``connectionOption``); then the framing the writer adds.
public struct ResponseHeadPlan: Equatable, Sendable {
    public let kind: ResponseKind
    /// The client connection ends after this response.
    public let closeClient: Bool
    /// The version the client speaks (the head is written in it).
    public let clientVersion: HTTPVersion
    /// Fields the proxy sets, in the order written, and those it hides.
    public let fields: [ResponseField]

    /// - Parameter policyFields: fields a route's policies set on every response it answers.
    public init(kind: ResponseKind, closeClient: Bool, clientVersion: HTTPVersion, policyFields: [ResponseField] = []) {
        self.kind = kind
        self.closeClient = closeClient
        self.clientVersion = clientVersion
        // Static arrays: the common plans allocate nothing.
        if kind == .eventStream {
            self.fields = policyFields.isEmpty ? Self.eventStreamFields : Self.eventStreamFields + policyFields
        } else {
            self.fields = policyFields
        }
    }

    /// What every event stream's head says: no proxy on the way may buffer it (nginx reads
    /// `X-Accel-Buffering`; other proxies and CDNs honour it too).
    static let eventStreamFields = [ResponseField(name: "X-Accel-Buffering", value: "no")]

    /// Whether the upstream's field `name` is left out because the plan sets it.
    func replaces(_ name: String) -> Bool {
        for field in fields where field.isNamed(name) { return true }
        return false
    }

    /// `replaces(_:)` for a name's bytes.
    func replaces(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        for field in fields where field.isNamed(name) { return true }
        return false
    }

    /// The option of the `Connection` field an HTTP/1 head gets: `close` when the connection ends
    /// after it, `keep-alive` to an HTTP/1.0 client it does not end for, none otherwise (and
    /// never on a `101`, whose `Connection: upgrade` is the upstream's, nor over HTTP/2, which
    /// has no connection-specific fields).
    var connectionOption: StaticString? {
        guard kind != .upgrade, clientVersion.major == 1 else { return nil }
        if closeClient { return "close" }
        return clientVersion == .http1_0 ? "keep-alive" : nil
    }
}
