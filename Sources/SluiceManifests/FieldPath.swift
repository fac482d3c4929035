import Yams

/// Dotted field paths for error messages (`spec.rules[0].http.paths[1].pathType`,
/// `metadata.annotations["sluice.io/sse-paths"]`), built from decoding errors.
enum FieldPath {
    enum Segment: Hashable {
        case key(String)
        case index(Int)
    }

    static func text(_ path: [Segment]) -> String {
        var out = ""
        for segment in path {
            switch segment {
            case .index(let i):
                out += "[\(i)]"
            case .key(let k):
                if k.contains(where: { $0 == "." || $0 == "/" || $0 == " " || $0 == "[" }) {
                    out += "[\"\(k)\"]"
                } else {
                    out += out.isEmpty ? k : "." + k
                }
            }
        }
        return out
    }

    static func segments(_ codingPath: [any CodingKey]) -> [Segment] {
        codingPath.map { key in
            if let index = key.intValue, key.stringValue == "Index \(index)" || key.stringValue == String(index) {
                return .index(index)
            }
            return .key(key.stringValue)
        }
    }

    /// The path of the offending field and a short message.
    static func describe(_ error: DecodingError) -> ([Segment], String) {
        switch error {
        case .typeMismatch(let type, let context):
            return (segments(context.codingPath), "expected \(article(for: type))")
        case .valueNotFound(let type, let context):
            return (segments(context.codingPath), "expected \(article(for: type)), found null")
        case .keyNotFound(let key, let context):
            return (segments(context.codingPath + [key]), "required field missing")
        case .dataCorrupted(let context):
            return (segments(context.codingPath), context.debugDescription)
        @unknown default:
            return ([], "\(error)")
        }
    }

    private static func article(for type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "a boolean (true or false)"
        case is Int.Type, is Int64.Type, is Int32.Type: return "an integer"
        case is Double.Type: return "a number"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") || name.hasPrefix("[") { return "a list" }
            return "a mapping"
        }
    }

    /// The node at `path`, for its line number.
    static func node(at path: [Segment], in root: Node) -> Node? {
        var node = root
        for segment in path {
            switch segment {
            case .key(let k):
                guard let next = node[k] else { return node }
                node = next
            case .index(let i):
                guard case .sequence(let sequence) = node, i < sequence.count else { return node }
                node = sequence[i]
            }
        }
        return node
    }
}
