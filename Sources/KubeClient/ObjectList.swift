/// The items of a LIST, gathered over every page, and the resourceVersion to WATCH from.
public struct ObjectList<Item: Sendable>: Sendable {
    public var items: [Item]
    /// `metadata.resourceVersion` of the last page: start a WATCH here.
    public var resourceVersion: String

    public init(items: [Item], resourceVersion: String) {
        self.items = items
        self.resourceVersion = resourceVersion
    }
}

extension ObjectList: Equatable where Item: Equatable {}

/// One page of a LIST as the API server sends it. Items carry no `kind`/`apiVersion`.
struct ListPage<Item: Decodable>: Decodable {
    struct Metadata: Decodable {
        var resourceVersion: String?
        var `continue`: String?
    }

    var metadata: Metadata?
    var items: [Item]?
}
