import Yams

/// A YAML node reduced to JSON's data model, so that objects decode with `JSONDecoder` exactly
/// as the API server's JSON does: a number where a string is expected is an error, as with
/// kubectl.
///
/// Scalars resolve by the YAML 1.2 core schema (`ManifestParser.resolver`): only
/// `true`/`false` are booleans, so `proxy-buffering: off` stays the string `off`.
enum YAMLValue: Encodable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([YAMLValue])
    case object([String: YAMLValue])

    init(_ node: Node) {
        switch node {
        case .scalar(let scalar):
            switch Tag.Name(rawValue: node.tag.rawValue) {
            case .null: self = .null
            case .bool: self = Bool.construct(from: scalar).map(YAMLValue.bool) ?? .string(scalar.string)
            case .int: self = Int64.construct(from: scalar).map(YAMLValue.int) ?? .string(scalar.string)
            case .float: self = Double.construct(from: scalar).map(YAMLValue.double) ?? .string(scalar.string)
            default: self = .string(scalar.string)
            }
        case .sequence(let sequence):
            self = .array(sequence.map(YAMLValue.init))
        case .mapping(let mapping):
            var object: [String: YAMLValue] = [:]
            for (key, value) in mapping {
                object[key.string ?? ""] = YAMLValue(value)
            }
            self = .object(object)
        case .alias:
            self = .null
        }
    }

    /// Whether `node` is a null scalar (`~`, `null`, or nothing). The tag is resolved by
    /// `Node.tag`, not by `Node.Scalar.tag`, which stays unresolved.
    static func isNull(_ node: Node) -> Bool {
        guard case .scalar = node else { return false }
        return Tag.Name(rawValue: node.tag.rawValue) == .null
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let v): try container.encode(v)
        case .int(let v): try container.encode(v)
        case .double(let v): try container.encode(v)
        case .string(let v): try container.encode(v)
        case .array(let v): try container.encode(v)
        case .object(let v): try container.encode(v)
        }
    }
}
