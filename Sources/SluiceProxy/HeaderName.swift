/// Allocation-free comparisons of header field names, which are ASCII and case-insensitive.
enum HeaderName {
    /// Whether `name` equals `lowercased` ignoring ASCII case. `lowercased` must be lowercase ASCII.
    /// Header names are compared many times per request: both sides are read as contiguous UTF-8
    /// where they can be (native strings always can), not through `String`'s UTF-8 iterators.
    @inlinable
    static func matches<S: StringProtocol>(_ name: S, _ lowercased: String) -> Bool {
        guard name.utf8.count == lowercased.utf8.count else { return false }
        let compared = name.utf8.withContiguousStorageIfAvailable { name in
            lowercased.utf8.withContiguousStorageIfAvailable { lowercased in
                matches(name, lowercased)
            }
        }
        if let compared, let result = compared { return result }
        var other = lowercased.utf8.makeIterator()
        for byte in name.utf8 {
            guard let expected = other.next(), matches(byte, expected) else { return false }
        }
        return true
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

    /// Whether `value`, a comma-separated list, contains `lowercasedToken` ignoring ASCII case
    /// and surrounding spaces (`Connection: keep-alive, Upgrade`).
    static func listContains(_ value: String, token lowercasedToken: String) -> Bool {
        var rest = Substring(value)
        while true {
            let end = rest.utf8.firstIndex(of: UInt8(ascii: ",")) ?? rest.endIndex
            if matches(rest[..<end].trimmingSpaces(), lowercasedToken) { return true }
            guard end < rest.endIndex else { return false }
            rest = rest[rest.utf8.index(after: end)...]
        }
    }

    /// Whether `value`, a comma-separated list of media ranges (`Accept`), lists
    /// `lowercasedMediaType`, whatever its parameters.
    static func listContainsMediaType(_ value: String, _ lowercasedMediaType: String) -> Bool {
        var rest = Substring(value)
        while true {
            let end = rest.utf8.firstIndex(of: UInt8(ascii: ",")) ?? rest.endIndex
            let element = rest[..<end]
            let typeEnd = element.utf8.firstIndex(of: UInt8(ascii: ";")) ?? element.endIndex
            if matches(element[..<typeEnd].trimmingSpaces(), lowercasedMediaType) { return true }
            guard end < rest.endIndex else { return false }
            rest = rest[rest.utf8.index(after: end)...]
        }
    }
}
