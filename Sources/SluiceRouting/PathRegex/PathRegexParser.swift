/// Parses a path pattern into ``PathRegexNode``s, refusing what an automaton cannot run and
/// patterns past the size bounds.
struct PathRegexParser {
    /// Longest pattern accepted, in bytes.
    static let maximumPatternBytes = 1024
    /// Largest bound in `{n}`, `{n,}` and `{n,m}`.
    static let maximumRepeat = 100

    private let bytes: [UInt8]
    private var position = 0
    private(set) var groupCount = 0
    /// Whether letters match either case (asked for, or `(?i)` at the start). Sets are
    /// folded as they are read, before a `[^…]` inverts them.
    private(set) var caseInsensitive: Bool

    init(_ pattern: String, caseInsensitive: Bool) {
        bytes = Array(pattern.utf8)
        self.caseInsensitive = caseInsensitive
    }

    /// The whole pattern as one node.
    mutating func parse() throws(PathRegexError) -> PathRegexNode {
        guard bytes.count <= Self.maximumPatternBytes else {
            throw PathRegexError(message: "longer than \(Self.maximumPatternBytes) bytes")
        }
        if bytes.starts(with: Array("(?i)".utf8)) {
            caseInsensitive = true
            position = 4
        }
        let node = try alternation()
        if position < bytes.count {
            throw failure("unmatched )")
        }
        return node
    }

    private mutating func alternation() throws(PathRegexError) -> PathRegexNode {
        var branches = [try sequence()]
        while peek == UInt8(ascii: "|") {
            position += 1
            branches.append(try sequence())
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    private mutating func sequence() throws(PathRegexError) -> PathRegexNode {
        var items: [PathRegexNode] = []
        while let byte = peek, byte != UInt8(ascii: "|"), byte != UInt8(ascii: ")") {
            let atom = try self.atom()
            items.append(try quantified(atom))
        }
        switch items.count {
        case 0: return .empty
        case 1: return items[0]
        default: return .sequence(items)
        }
    }

    private mutating func quantified(_ atom: PathRegexNode) throws(PathRegexError) -> PathRegexNode {
        guard let byte = peek else { return atom }
        let bounds: (min: Int, max: Int?)
        switch byte {
        case UInt8(ascii: "*"): bounds = (0, nil); position += 1
        case UInt8(ascii: "+"): bounds = (1, nil); position += 1
        case UInt8(ascii: "?"): bounds = (0, 1); position += 1
        case UInt8(ascii: "{"):
            guard let counted = try countedBounds() else { return atom }
            bounds = counted
        default: return atom
        }
        if case .lineStart = atom { throw failure("nothing to repeat") }
        if case .lineEnd = atom { throw failure("nothing to repeat") }
        var greedy = true
        if peek == UInt8(ascii: "?") {
            greedy = false
            position += 1
        } else if peek == UInt8(ascii: "+") {
            throw failure("possessive quantifiers are not supported")
        }
        if let next = peek, [UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?")].contains(next) {
            throw failure("nothing to repeat")
        }
        return .repetition(atom, min: bounds.min, max: bounds.max, greedy: greedy)
    }

    /// `{n}`, `{n,}` or `{n,m}` at the position; nil (a literal `{`, as PCRE reads it) when the
    /// braces do not hold bounds.
    private mutating func countedBounds() throws(PathRegexError) -> (min: Int, max: Int?)? {
        let start = position
        position += 1
        let low = number()
        var high: Int?? = .some(low)
        if peek == UInt8(ascii: ",") {
            position += 1
            high = .some(number())
        }
        guard let low, peek == UInt8(ascii: "}") else {
            position = start
            return nil
        }
        position += 1
        let upper = high ?? nil
        guard low <= Self.maximumRepeat, (upper ?? 0) <= Self.maximumRepeat else {
            throw failure("repeat counts above \(Self.maximumRepeat) are not supported")
        }
        if let upper, upper < low { throw failure("{\(low),\(upper)}: the bounds are out of order") }
        return (low, upper)
    }

    private mutating func number() -> Int? {
        var value: Int?
        while let byte = peek, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte), (value ?? 0) < 100_000 {
            value = (value ?? 0) * 10 + Int(byte - UInt8(ascii: "0"))
            position += 1
        }
        return value
    }

    private mutating func atom() throws(PathRegexError) -> PathRegexNode {
        let byte = bytes[position]
        position += 1
        switch byte {
        case UInt8(ascii: "("): return try group()
        case UInt8(ascii: "["): return .bytes(try bracket())
        case UInt8(ascii: "."): return .bytes(.dot)
        case UInt8(ascii: "^"): return .lineStart
        case UInt8(ascii: "$"): return .lineEnd
        case UInt8(ascii: "\\"): return .bytes(folded(try escape(inBracket: false)))
        case UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"): throw failure("nothing to repeat")
        default: return .bytes(folded(ByteSet(byte)))
        }
    }

    private mutating func group() throws(PathRegexError) -> PathRegexNode {
        var index: Int?
        if peek == UInt8(ascii: "?") {
            position += 1
            let kind = peek
            if kind == UInt8(ascii: ":") {
                position += 1
            } else if kind == UInt8(ascii: "<") || kind == UInt8(ascii: "P") || kind == UInt8(ascii: "'") {
                try skipGroupName()
                groupCount += 1
                index = groupCount
            } else {
                throw failure("(?\(kind.map { String(UnicodeScalar($0)) } ?? "") groups (lookaround, atomic, flags inside the pattern) are not supported")
            }
        } else {
            groupCount += 1
            index = groupCount
        }
        let body = try alternation()
        guard peek == UInt8(ascii: ")") else { throw failure("missing )") }
        position += 1
        return .group(body, index: index)
    }

    /// `<name>`, `P<name>` or `'name'`; lookbehind (`(?<=`, `(?<!`) is refused here.
    private mutating func skipGroupName() throws(PathRegexError) {
        if peek == UInt8(ascii: "P") { position += 1 }
        guard let open = peek else { throw failure("missing )") }
        position += 1
        let close = open == UInt8(ascii: "'") ? UInt8(ascii: "'") : UInt8(ascii: ">")
        if let next = peek, next == UInt8(ascii: "=") || next == UInt8(ascii: "!") {
            throw failure("lookbehind is not supported")
        }
        while let byte = peek, byte != close {
            guard ByteSet.word.contains(byte) else { throw failure("invalid group name") }
            position += 1
        }
        guard peek == close else { throw failure("invalid group name") }
        position += 1
    }

    private mutating func bracket() throws(PathRegexError) -> ByteSet {
        var set = ByteSet()
        let negated = peek == UInt8(ascii: "^")
        if negated { position += 1 }
        var first = true
        while true {
            guard let byte = peek else { throw failure("missing ]") }
            if byte == UInt8(ascii: "]"), !first { position += 1; break }
            first = false
            position += 1
            var low: UInt8
            if byte == UInt8(ascii: "\\") {
                let escaped = try escape(inBracket: true)
                guard let single = escaped.single else {
                    set.formUnion(escaped)
                    continue
                }
                low = single
            } else if byte == UInt8(ascii: "["), peek == UInt8(ascii: ":") {
                throw failure("POSIX classes ([:alpha:]) are not supported")
            } else {
                low = byte
            }
            if peek == UInt8(ascii: "-"), position + 1 < bytes.count, bytes[position + 1] != UInt8(ascii: "]") {
                position += 1
                var high = bytes[position]
                position += 1
                if high == UInt8(ascii: "\\") {
                    guard let single = try escape(inBracket: true).single else { throw failure("invalid range in []") }
                    high = single
                }
                guard low <= high else { throw failure("range out of order in []") }
                set.formUnion(ByteSet(low...high))
            } else {
                set.insert(low)
            }
        }
        set = folded(set)
        return negated ? set.inverted : set
    }

    private func folded(_ set: ByteSet) -> ByteSet { caseInsensitive ? set.caseFolded : set }

    /// The set a backslash escape stands for (the backslash is consumed).
    private mutating func escape(inBracket: Bool) throws(PathRegexError) -> ByteSet {
        guard let byte = peek else { throw failure("\\ at end of pattern") }
        position += 1
        switch byte {
        case UInt8(ascii: "d"): return .digits
        case UInt8(ascii: "D"): return ByteSet.digits.inverted
        case UInt8(ascii: "w"): return .word
        case UInt8(ascii: "W"): return ByteSet.word.inverted
        case UInt8(ascii: "s"): return .space
        case UInt8(ascii: "S"): return ByteSet.space.inverted
        case UInt8(ascii: "t"): return ByteSet(9)
        case UInt8(ascii: "n"): return ByteSet(10)
        case UInt8(ascii: "r"): return ByteSet(13)
        case UInt8(ascii: "1")...UInt8(ascii: "9"): throw failure("backreferences are not supported")
        case UInt8(ascii: "b") where !inBracket, UInt8(ascii: "B"), UInt8(ascii: "A"), UInt8(ascii: "z"), UInt8(ascii: "Z"):
            throw failure("\\\(UnicodeScalar(byte)) is not supported")
        default:
            guard !ByteSet.word.contains(byte) || byte == UInt8(ascii: "_") else {
                throw failure("unknown escape \\\(UnicodeScalar(byte))")
            }
            return ByteSet(byte)
        }
    }

    private var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

    private func failure(_ message: String) -> PathRegexError {
        PathRegexError(message: "\(message) (at byte \(min(position, bytes.count)))")
    }
}
