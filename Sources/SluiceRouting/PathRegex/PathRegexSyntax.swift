/// A parsed path pattern: the subset of PCRE that ingress-nginx users write in `use-regex` and
/// `rewrite-target` paths (literals, `.`, classes, `\d \w \s`, groups, `|`, `* + ? {n,m}` greedy
/// or lazy, `^ $`, a leading `(?i)`). What needs backtracking to run (backreferences,
/// lookaround, atomic groups, possessive quantifiers) is refused: the pattern runs on an
/// automaton in time linear in the path (``PathRegexMachine``).
indirect enum PathRegexNode: Hashable, Sendable {
    case empty
    case bytes(ByteSet)
    case sequence([PathRegexNode])
    case alternation([PathRegexNode])
    /// `body` at least `min` times and at most `max` (nil: no bound).
    case repetition(PathRegexNode, min: Int, max: Int?, greedy: Bool)
    /// Capture group `index` (1-based, in order of the opening parentheses).
    case group(PathRegexNode, index: Int?)
    case lineStart
    case lineEnd
}

/// Why a pattern was refused, said the way a Warning can quote it.
public struct PathRegexError: Error, Hashable, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// A set of bytes, one bit each.
struct ByteSet: Hashable, Sendable {
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    static func == (lhs: ByteSet, rhs: ByteSet) -> Bool {
        lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1 && lhs.words.2 == rhs.words.2 && lhs.words.3 == rhs.words.3
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }

    init() {}

    init(_ byte: UInt8) { insert(byte) }

    init(_ range: ClosedRange<UInt8>) {
        for byte in range { insert(byte) }
    }

    func contains(_ byte: UInt8) -> Bool {
        let bit = UInt64(1) << (byte & 63)
        switch byte >> 6 {
        case 0: return words.0 & bit != 0
        case 1: return words.1 & bit != 0
        case 2: return words.2 & bit != 0
        default: return words.3 & bit != 0
        }
    }

    mutating func insert(_ byte: UInt8) {
        let bit = UInt64(1) << (byte & 63)
        switch byte >> 6 {
        case 0: words.0 |= bit
        case 1: words.1 |= bit
        case 2: words.2 |= bit
        default: words.3 |= bit
        }
    }

    mutating func formUnion(_ other: ByteSet) {
        words = (words.0 | other.words.0, words.1 | other.words.1, words.2 | other.words.2, words.3 | other.words.3)
    }

    var inverted: ByteSet {
        var result = ByteSet()
        result.words = (~words.0, ~words.1, ~words.2, ~words.3)
        return result
    }

    /// The set with both cases of each ASCII letter in it.
    var caseFolded: ByteSet {
        var result = self
        for byte in UInt8(ascii: "A")...UInt8(ascii: "Z") where contains(byte) || contains(byte + 32) {
            result.insert(byte)
            result.insert(byte + 32)
        }
        return result
    }

    /// The one byte in the set, if it holds exactly one.
    var single: UInt8? {
        var found: UInt8?
        for byte in 0...255 where contains(UInt8(byte)) {
            if found != nil { return nil }
            found = UInt8(byte)
        }
        return found
    }

    /// The one byte in the set, lowercase, if it holds one byte or both cases of one letter.
    var singleIgnoringCase: UInt8? {
        if let single { return single }
        for byte in UInt8(ascii: "a")...UInt8(ascii: "z") where contains(byte) {
            return self == ByteSet(byte).caseFolded ? byte : nil
        }
        return nil
    }

    static let digits = ByteSet(UInt8(ascii: "0")...UInt8(ascii: "9"))
    static let word: ByteSet = {
        var set = digits
        set.formUnion(ByteSet(UInt8(ascii: "a")...UInt8(ascii: "z")))
        set.formUnion(ByteSet(UInt8(ascii: "A")...UInt8(ascii: "Z")))
        set.insert(UInt8(ascii: "_"))
        return set
    }()
    static let space: ByteSet = {
        var set = ByteSet()
        for byte in [9, 10, 11, 12, 13, 32] as [UInt8] { set.insert(byte) }
        return set
    }()
    /// `.`: every byte but a line feed, as in PCRE.
    static let dot = ByteSet(10).inverted
}
