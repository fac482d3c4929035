/// A set of one element without an allocation of its own, or more in a `Set`: the incremental
/// translator's indexes map each of 10,000 Services, hosts or slices to the few (usually one)
/// Ingresses or groups that read it, and a `Set` per entry costs an allocation each.
enum SmallSet<Element: Hashable>: Sequence {
    case one(Element)
    case many(Set<Element>)

    func makeIterator() -> AnyIterator<Element> {
        switch self {
        case .one(let element): AnyIterator(CollectionOfOne(element).makeIterator())
        case .many(let set): AnyIterator(set.makeIterator())
        }
    }
}

extension Dictionary {
    /// Adds `element` to the set at `key`.
    mutating func insert<Element>(_ element: Element, at key: Key) where Value == SmallSet<Element> {
        switch self[key] {
        case nil: self[key] = .one(element)
        case .one(let other) where other == element: break
        case .one(let other): self[key] = .many([other, element])
        case .many(var set):
            self[key] = nil
            set.insert(element)
            self[key] = .many(set)
        }
    }

    /// Takes `element` out of the set at `key`; an emptied set leaves the dictionary.
    mutating func remove<Element>(_ element: Element, at key: Key) where Value == SmallSet<Element> {
        switch self[key] {
        case nil: break
        case .one(let other): if other == element { self[key] = nil }
        case .many(var set):
            self[key] = nil
            set.remove(element)
            if set.count == 1, let last = set.first {
                self[key] = .one(last)
            } else if !set.isEmpty {
                self[key] = .many(set)
            }
        }
    }
}

extension SmallSet: Sendable where Element: Sendable {}
