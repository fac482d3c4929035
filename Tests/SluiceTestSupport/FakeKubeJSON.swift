import Foundation

/// A JSON value, as the fake API server stores objects: whatever fields a test or client sends
/// survive a round trip, typed or not.
public enum FakeKubeJSON: Hashable, Sendable, Codable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([FakeKubeJSON])
    case object([String: FakeKubeJSON])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([FakeKubeJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: FakeKubeJSON].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// Any Encodable value (a typed Kubernetes object) as JSON.
    public init(encoding value: some Encodable) throws {
        self = try JSONDecoder().decode(FakeKubeJSON.self, from: JSONEncoder().encode(value))
    }

    public init(parsing data: Data) throws {
        self = try JSONDecoder().decode(FakeKubeJSON.self, from: data)
    }

    /// Decodes this value as `T`.
    public func decoded<T: Decodable>(as type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: serialized())
    }

    public func serialized() throws -> Data {
        try JSONEncoder().encode(self)
    }

    /// The field `key` of an object; nil otherwise. Setting on a non-object makes it an object.
    public subscript(key: String) -> FakeKubeJSON? {
        get {
            guard case .object(let fields) = self else { return nil }
            return fields[key]
        }
        set {
            var fields: [String: FakeKubeJSON] = [:]
            if case .object(let existing) = self { fields = existing }
            fields[key] = newValue
            self = .object(fields)
        }
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The string at a path of object keys: `["metadata", "name"]`.
    public func string(at path: [String]) -> String? {
        var current: FakeKubeJSON? = self
        for key in path { current = current?[key] }
        return current?.stringValue
    }

    /// RFC 7386 JSON merge patch: objects merge key by key, `null` deletes, anything else replaces.
    public func mergePatched(with patch: FakeKubeJSON) -> FakeKubeJSON {
        guard case .object(let patchFields) = patch else { return patch }
        var fields: [String: FakeKubeJSON] = [:]
        if case .object(let existing) = self { fields = existing }
        for (key, value) in patchFields {
            if value == .null {
                fields[key] = nil
            } else {
                fields[key] = (fields[key] ?? .null).mergePatched(with: value)
            }
        }
        return .object(fields)
    }
}
