/// A core/v1 Event, as `kubectl describe` shows under an object.
///
/// Create it with `metadata.generateName`; set `firstTimestamp`, `lastTimestamp` and `count`, or its
/// age shows as `<unknown>`. To repeat an Event, patch `count` and `lastTimestamp` instead of
/// creating a new one.
public struct Event: KubeAPIResource {
    public static let groupVersion = "v1"
    public static let kindName = "Event"
    public static let pluralName = "events"

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var involvedObject: InvolvedObject
    public var reason: String?
    public var message: String?
    /// `Normal` or `Warning`.
    public var type: String?
    public var source: EventSource?
    public var firstTimestamp: String?
    public var lastTimestamp: String?
    public var count: Int?

    public init(
        metadata: ObjectMeta, involvedObject: InvolvedObject, reason: String? = nil, message: String? = nil,
        type: String? = nil, source: EventSource? = nil, firstTimestamp: String? = nil,
        lastTimestamp: String? = nil, count: Int? = nil
    ) {
        self.apiVersion = Self.groupVersion
        self.kind = Self.kindName
        self.metadata = metadata
        self.involvedObject = involvedObject
        self.reason = reason
        self.message = message
        self.type = type
        self.source = source
        self.firstTimestamp = firstTimestamp
        self.lastTimestamp = lastTimestamp
        self.count = count
    }
}

/// The object an Event is about (core/v1 `ObjectReference`; named apart so it cannot clash with
/// other uses of that type in this module).
public struct InvolvedObject: Codable, Hashable, Sendable {
    public var apiVersion: String?
    public var kind: String?
    public var namespace: String?
    public var name: String?
    public var uid: String?

    public init(
        apiVersion: String? = nil, kind: String? = nil, namespace: String? = nil, name: String? = nil,
        uid: String? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.uid = uid
    }
}

/// `source` of a core/v1 Event: the component that reported it.
public struct EventSource: Codable, Hashable, Sendable {
    public var component: String?
    public var host: String?

    public init(component: String? = nil, host: String? = nil) {
        self.component = component
        self.host = host
    }
}
