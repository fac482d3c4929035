/// Allocation-free comparisons of header field names, which are ASCII and case-insensitive.
enum HeaderName {
    /// Whether `name` equals `lowercased` ignoring ASCII case. `lowercased` must be lowercase ASCII.
    /// Header names are compared many times per request: `name` is read as contiguous UTF-8 where
    /// it can be (native strings always can), not through `String`'s UTF-8 iterator, and the
    /// literal is read in place.
    @inlinable
    static func matches<S: StringProtocol>(_ name: S, _ lowercased: StaticString) -> Bool {
        guard name.utf8.count == lowercased.utf8CodeUnitCount else { return false }
        let expected = UnsafeBufferPointer(start: lowercased.utf8Start, count: lowercased.utf8CodeUnitCount)
        if let compared = name.utf8.withContiguousStorageIfAvailable({ matches($0, expected) }) { return compared }
        return zip(name.utf8, expected).allSatisfy { matches($0, $1) }
    }

    /// `matches(_:_:)` for a lowercase name known only at run time (one a `Connection` field
    /// names).
    static func matches(_ name: String, lowercasedName: String) -> Bool {
        guard name.utf8.count == lowercasedName.utf8.count else { return false }
        return zip(name.utf8, lowercasedName.utf8).allSatisfy { matches($0, $1) }
    }

    @inlinable
    static func matches(_ name: UnsafeBufferPointer<UInt8>, _ lowercased: UnsafeBufferPointer<UInt8>) -> Bool {
        guard name.count == lowercased.count else { return false }
        for index in 0..<name.count where !matches(name[index], lowercased[index]) {
            return false
        }
        return true
    }

    /// `byte` is `expected`, or its upper-case form when `expected` is a lower-case letter.
    @inlinable
    static func matches(_ byte: UInt8, _ expected: UInt8) -> Bool {
        byte == expected || (byte | 0x20 == expected && (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(expected))
    }

    /// Whether `name`'s bytes equal `lowercased` ignoring ASCII case. `lowercased` must be
    /// lowercase ASCII.
    @inlinable
    static func matches(_ name: UnsafeBufferPointer<UInt8>, _ lowercased: StaticString) -> Bool {
        matches(name, UnsafeBufferPointer(start: lowercased.utf8Start, count: lowercased.utf8CodeUnitCount))
    }

    /// Whether `value`, a comma-separated list, contains `lowercasedToken` ignoring ASCII case
    /// and surrounding spaces (`Connection: keep-alive, Upgrade`).
    static func listContains(_ value: String, token lowercasedToken: StaticString) -> Bool {
        listContains(value, lowercasedToken, cutAtSemicolon: false)
    }

    /// Whether `value`, a comma-separated list of media ranges (`Accept`), lists
    /// `lowercasedMediaType`, whatever its parameters.
    static func listContainsMediaType(_ value: String, _ lowercasedMediaType: StaticString) -> Bool {
        listContains(value, lowercasedMediaType, cutAtSemicolon: true)
    }

    /// Scans `value`'s bytes in place: these lists are read on every request.
    private static func listContains(_ value: String, _ lowercased: StaticString, cutAtSemicolon: Bool) -> Bool {
        let scanned = value.utf8.withContiguousStorageIfAvailable { listContains($0, lowercased, cutAtSemicolon: cutAtSemicolon) }
        if let scanned { return scanned }
        return Array(value.utf8).withUnsafeBufferPointer { listContains($0, lowercased, cutAtSemicolon: cutAtSemicolon) }
    }

    /// Whether the media type of `value` (a `Content-Type`: what precedes any `;`, without
    /// surrounding spaces) is `lowercasedMediaType`, ignoring ASCII case.
    static func mediaTypeIs(_ value: UnsafeBufferPointer<UInt8>, _ lowercasedMediaType: StaticString) -> Bool {
        var end = value.firstIndex(of: UInt8(ascii: ";")) ?? value.count
        var start = 0
        while start < end, value[start] == UInt8(ascii: " ") || value[start] == UInt8(ascii: "\t") { start += 1 }
        while end > start, value[end - 1] == UInt8(ascii: " ") || value[end - 1] == UInt8(ascii: "\t") { end -= 1 }
        return matches(UnsafeBufferPointer(rebasing: value[start..<end]), lowercasedMediaType)
    }

    private static func listContains(_ list: UnsafeBufferPointer<UInt8>, _ lowercased: StaticString, cutAtSemicolon: Bool) -> Bool {
        var found = false
        forEachListElement(list, cutAtSemicolon: cutAtSemicolon) { element in
            found = matches(element, lowercased)
            return found
        }
        return found
    }

    /// Calls `body` with each element of `list`, a comma-separated list, without the spaces and
    /// tabs around it (and, when `cutAtSemicolon`, without its parameters); empty elements too.
    /// Stops when `body` returns true.
    static func forEachListElement(
        _ list: UnsafeBufferPointer<UInt8>, cutAtSemicolon: Bool = false, _ body: (UnsafeBufferPointer<UInt8>) -> Bool
    ) {
        func isSpace(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        var start = 0
        while start <= list.count {
            var end = start
            while end < list.count, list[end] != UInt8(ascii: ",") { end += 1 }
            var elementEnd = end
            if cutAtSemicolon, let semicolon = list[start..<end].firstIndex(of: UInt8(ascii: ";")) {
                elementEnd = semicolon
            }
            var first = start
            while first < elementEnd, isSpace(list[first]) { first += 1 }
            while elementEnd > first, isSpace(list[elementEnd - 1]) { elementEnd -= 1 }
            if body(UnsafeBufferPointer(rebasing: list[first..<elementEnd])) { return }
            start = end + 1
        }
    }
}
