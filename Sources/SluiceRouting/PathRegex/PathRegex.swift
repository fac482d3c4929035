/// A path pattern as ingress-nginx writes its regex locations (`location ~* "^<path>"`):
/// anchored at the path's start, not at its end; case-insensitive unless told otherwise.
///
/// It runs on an automaton (``PathRegexMachine``), in time proportional to the path's length
/// times the pattern's compiled size, whatever the pattern: no input can make it backtrack.
/// Patterns are bounded (``PathRegexParser/maximumPatternBytes``, counted repeats up to
/// ``PathRegexParser/maximumRepeat``, ``PathRegexCompiler/maximumInstructions``); what needs a
/// backtracking engine (backreferences, lookaround) is refused with a message saying so.
public struct PathRegex: Hashable, Sendable {
    /// The pattern as written.
    public let pattern: String
    public let caseInsensitive: Bool
    /// Groups in the pattern (`$1`… in a rewrite).
    public let captureCount: Int
    private let program: [PathRegexInstruction]
    /// Bytes every match starts with (lowercase when case-insensitive): checked before the
    /// automaton runs, so most paths of a host are told apart in a few comparisons.
    private let literalPrefix: [UInt8]

    public init(_ pattern: String, caseInsensitive: Bool = true) throws(PathRegexError) {
        var parser = PathRegexParser(pattern, caseInsensitive: caseInsensitive)
        let node = try parser.parse()
        let folded = parser.caseInsensitive
        self.pattern = pattern
        self.caseInsensitive = folded
        self.captureCount = parser.groupCount
        self.program = try PathRegexCompiler.compile(node)
        self.literalPrefix = Self.literalPrefix(of: node, folded: folded)
    }

    private init(replicating other: PathRegex) {
        pattern = other.pattern.replica()
        caseInsensitive = other.caseInsensitive
        captureCount = other.captureCount
        program = Array(other.program)
        literalPrefix = Array(other.literalPrefix)
    }

    public static func == (lhs: PathRegex, rhs: PathRegex) -> Bool {
        lhs.pattern == rhs.pattern && lhs.caseInsensitive == rhs.caseInsensitive
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(pattern)
        hasher.combine(caseInsensitive)
    }

    /// Whether the pattern matches at the start of `path`.
    public func matches(_ path: Substring) -> Bool {
        var path = path
        return path.withUTF8 { bytes in
            startsWithLiteralPrefix(bytes) && PathRegexMachine(program: program, captureCount: captureCount).matchesPrefix(bytes)
        }
    }

    /// The groups of the match at the start of `path` (index 0: the whole match; nil for a group
    /// that took no part), or nil when the pattern does not match.
    public func captures(in path: Substring) -> [Substring?]? {
        var path = path
        let slots: [Int]? = path.withUTF8 { bytes in
            guard startsWithLiteralPrefix(bytes) else { return nil }
            return PathRegexMachine(program: program, captureCount: captureCount).captures(bytes)
        }
        guard let slots else { return nil }
        let utf8 = path.utf8
        return stride(from: 0, to: slots.count, by: 2).map { slot in
            let (start, end) = (slots[slot], slots[slot + 1])
            guard start >= 0, end >= start else { return nil }
            return Substring(utf8[utf8.index(utf8.startIndex, offsetBy: start)..<utf8.index(utf8.startIndex, offsetBy: end)])
        }
    }

    func replica() -> PathRegex { PathRegex(replicating: self) }

    private func startsWithLiteralPrefix(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count >= literalPrefix.count else { return false }
        for index in 0..<literalPrefix.count {
            let byte = bytes[index]
            let compared = caseInsensitive && (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
            if compared != literalPrefix[index] { return false }
        }
        return true
    }

    private static func literalPrefix(of node: PathRegexNode, folded: Bool) -> [UInt8] {
        var items: [PathRegexNode]
        switch node {
        case .sequence(let sequence): items = sequence
        default: items = [node]
        }
        if case .lineStart = items.first { items.removeFirst() }
        var prefix: [UInt8] = []
        for item in items {
            guard case .bytes(let set) = item, let byte = folded ? set.singleIgnoringCase : set.single else { break }
            prefix.append(folded && (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte)
        }
        return prefix
    }
}
