/// Objects by `namespace/name`, as a dictionary would hold them, in 64 shards: writing one object
/// into a map whose storage another value still shares (the snapshot a reconcile is reading)
/// copies one shard, about 1/64 of the objects, where a dictionary would copy them all. At
/// 10,000 Ingresses that copy, once per watch event, was a fifth of the controller's work.
public struct ObjectMap<Value: Hashable & Sendable>: Hashable, Sendable, Sequence, ExpressibleByDictionaryLiteral {
    public typealias Element = (key: String, value: Value)

    private static var shardCount: Int { 64 }
    private var shards: [[String: Value]]
    public private(set) var count = 0

    public init() {
        shards = Array(repeating: [:], count: Self.shardCount)
    }

    public init(_ dictionary: [String: Value]) {
        self.init()
        for (key, value) in dictionary { self[key] = value }
    }

    public init(dictionaryLiteral elements: (String, Value)...) {
        self.init()
        for (key, value) in elements { self[key] = value }
    }

    public var isEmpty: Bool { count == 0 }

    public subscript(key: String) -> Value? {
        get { shards[Self.shard(key)][key] }
        set {
            let index = Self.shard(key)
            if let newValue {
                if shards[index].updateValue(newValue, forKey: key) == nil { count += 1 }
            } else if shards[index].removeValue(forKey: key) != nil {
                count -= 1
            }
        }
    }

    @discardableResult
    public mutating func removeValue(forKey key: String) -> Value? {
        let removed = shards[Self.shard(key)].removeValue(forKey: key)
        if removed != nil { count -= 1 }
        return removed
    }

    /// Every key, in no particular order.
    public var keys: [String] { shards.flatMap(\.keys) }

    /// Every value, in no particular order.
    public var values: [Value] { shards.flatMap(\.values) }

    /// The same objects as one dictionary.
    public var dictionary: [String: Value] {
        var all: [String: Value] = [:]
        all.reserveCapacity(count)
        for shard in shards { all.merge(shard) { first, _ in first } }
        return all
    }

    public func makeIterator() -> some IteratorProtocol<Element> {
        shards.lazy.flatMap { $0.lazy.map { (key: $0.key, value: $0.value) } }.makeIterator()
    }

    /// A shard fixed for the process (`String`'s hash is seeded once per process), which is all
    /// equality needs: two maps compare shard by shard.
    private static func shard(_ key: String) -> Int {
        key.hashValue & (shardCount - 1)
    }
}
