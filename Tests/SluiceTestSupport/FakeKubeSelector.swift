import Foundation

/// A `labelSelector` or `fieldSelector` of the forms the fake understands: comma-separated
/// `key=value`, `key==value`, `key!=value`, and for labels `key` / `!key` (existence).
struct FakeKubeSelector: Sendable, Hashable {
    enum Requirement: Sendable, Hashable {
        case equals(String, String)
        case notEquals(String, String)
        case exists(String)
        case notExists(String)
    }

    var requirements: [Requirement]

    init(_ text: String?) {
        requirements = (text ?? "").split(separator: ",").compactMap { part in
            let term = part.trimmingCharacters(in: .whitespaces)
            if term.isEmpty { return nil }
            if let range = term.range(of: "!=") {
                return .notEquals(String(term[..<range.lowerBound]), String(term[range.upperBound...]))
            }
            if let range = term.range(of: "==") ?? term.range(of: "=") {
                return .equals(String(term[..<range.lowerBound]), String(term[range.upperBound...]))
            }
            if term.hasPrefix("!") { return .notExists(String(term.dropFirst())) }
            return .exists(term)
        }
    }

    /// Whether an object's labels satisfy every requirement.
    func matchesLabels(of object: FakeKubeJSON) -> Bool {
        let labels = object["metadata"]?["labels"]
        return matches { labels?[$0]?.stringValue }
    }

    /// Whether an object's fields (`metadata.name`, `metadata.namespace`, `type`, any dotted
    /// path to a string) satisfy every requirement.
    func matchesFields(of object: FakeKubeJSON) -> Bool {
        matches { object.string(at: $0.split(separator: ".").map(String.init)) }
    }

    private func matches(_ value: (String) -> String?) -> Bool {
        requirements.allSatisfy { requirement in
            switch requirement {
            case .equals(let key, let expected): value(key) == expected
            case .notEquals(let key, let unexpected): value(key) != unexpected
            case .exists(let key): value(key) != nil
            case .notExists(let key): value(key) == nil
            }
        }
    }
}
