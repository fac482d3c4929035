/// The items of a LIST, gathered over every page, and the resourceVersion to WATCH from.
public struct ObjectList<Item: Sendable>: Sendable {
    public var items: [Item]
    /// `metadata.resourceVersion` of the last page: start a WATCH here.
    public var resourceVersion: String
    /// Items that could not be decoded and are left out of `items`, as a watch reports an
    /// undecodable event without ending: one bad object must not stall every other one.
    public var skippedItems: [SkippedListItem]

    public init(items: [Item], resourceVersion: String, skippedItems: [SkippedListItem] = []) {
        self.items = items
        self.resourceVersion = resourceVersion
        self.skippedItems = skippedItems
    }
}

extension ObjectList: Equatable where Item: Equatable {}

/// An item of a LIST left out because it could not be decoded.
public struct SkippedListItem: Sendable, Hashable, CustomStringConvertible {
    /// `metadata.namespace` and `metadata.name`, when those at least could be read.
    public var namespace: String?
    public var name: String?
    /// Why decoding failed: the field and the problem.
    public var error: String

    public init(namespace: String?, name: String?, error: String) {
        self.namespace = namespace
        self.name = name
        self.error = error
    }

    public var description: String {
        let object = switch (namespace, name) {
        case (let namespace?, let name?): "\(namespace)/\(name)"
        case (nil, let name?): name
        default: "an item without a readable name"
        }
        return "\(object): \(error)"
    }
}

/// One page of a LIST as the API server sends it. Items carry no `kind`/`apiVersion`. Each item
/// is decoded on its own, so one that fails does not fail the page.
struct ListPage<Item: Decodable>: Decodable {
    struct Metadata: Decodable {
        var resourceVersion: String?
        var `continue`: String?
    }

    var metadata: Metadata?
    var items: [LenientListItem<Item>]?
}

/// A LIST item, or the reason it could not be decoded.
enum LenientListItem<Item: Decodable>: Decodable {
    case decoded(Item)
    case skipped(SkippedListItem)

    private struct Named: Decodable {
        struct Metadata: Decodable {
            var namespace: String?
            var name: String?
        }
        var metadata: Metadata?
    }

    init(from decoder: any Decoder) {
        do {
            self = .decoded(try decoder.singleValueContainer().decode(Item.self))
        } catch {
            let metadata = (try? decoder.singleValueContainer().decode(Named.self))?.metadata
            self = .skipped(SkippedListItem(
                namespace: metadata?.namespace, name: metadata?.name, error: Self.describe(error)))
        }
    }

    private static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        let context: DecodingError.Context
        let problem: String
        switch error {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c): (context, problem) = (c, c.debugDescription)
        case .keyNotFound(let key, let c): (context, problem) = (c, "required field \(key.stringValue) missing")
        @unknown default: return "\(error)"
        }
        // Drop the `items[n]` prefix: the path within the item is what helps.
        let path = context.codingPath.dropFirst(2).map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        return path.isEmpty ? problem : "\(path.hasPrefix(".") ? String(path.dropFirst()) : path): \(problem)"
    }
}
