/// Finds where an upstream response head ends (its blank line, CR LF CR LF) in the bytes of one
/// read or more, and whether the head mentions `event-stream` (any case), which makes it worth
/// cutting there: `UpstreamResponseSplitter` hands the decoder the head alone only for heads that
/// may start an event stream, so that any other response still reaches the decoder in one piece.
///
/// A head whose lines end in bare LF is never cut (the decoder still parses it; its body is then
/// decoded, not relayed).
struct ResponseHeadBoundary {
    enum Scan: Equatable {
        /// The head goes on past these bytes.
        case continues
        /// The head ends after its first `headBytes` bytes of these.
        case ends(headBytes: Int, mentionsEventStream: Bool)
    }

    /// No byte of the head has been scanned yet.
    private(set) var isAtStart = true
    /// How much of CR LF CR LF the bytes seen so far end with.
    private var matched = 0
    /// How much of `event-stream` the bytes seen so far end with.
    private var mentionMatched = 0
    private var mentionsEventStream = false

    private static let mention = Array("event-stream".utf8)
    /// Knuth–Morris–Pratt: after `k` matched bytes and a mismatch, how many still match.
    private static let fallback: [Int] = {
        var table = [Int](repeating: 0, count: mention.count)
        var length = 0
        for index in 1..<mention.count {
            while length > 0, mention[index] != mention[length] { length = table[length - 1] }
            if mention[index] == mention[length] { length += 1 }
            table[index] = length
        }
        return table
    }()

    /// Scans the next bytes of a head. Every response head on an upstream connection passes
    /// through here byte by byte, so the state lives in locals and the tables are read through
    /// pointers (a `static let` read per byte costs a `swift_once` check and a bounds check).
    mutating func scan(_ bytes: UnsafeRawBufferPointer) -> Scan {
        isAtStart = false
        return Self.mention.withUnsafeBufferPointer { mention in
            Self.fallback.withUnsafeBufferPointer { fallback in
                scan(bytes, mention: mention, fallback: fallback)
            }
        }
    }

    private mutating func scan(
        _ bytes: UnsafeRawBufferPointer, mention: UnsafeBufferPointer<UInt8>, fallback: UnsafeBufferPointer<Int>
    ) -> Scan {
        var matched = self.matched
        var mentionMatched = self.mentionMatched
        var mentions = self.mentionsEventStream
        defer {
            self.matched = matched
            self.mentionMatched = mentionMatched
            self.mentionsEventStream = mentions
        }
        for index in 0..<bytes.count {
            let byte = bytes[index]
            if !mentions {
                // ASCII letters fold to lower case; `-` is unchanged. Other bytes may fold onto a
                // byte of the mention (CR onto `-`): at worst a head is cut that did not need to be.
                let folded = byte | 0x20
                while mentionMatched > 0, folded != mention[mentionMatched] {
                    mentionMatched = fallback[mentionMatched - 1]
                }
                if folded == mention[mentionMatched] {
                    mentionMatched += 1
                    if mentionMatched == mention.count { mentions = true }
                }
            }
            switch (matched, byte) {
            case (0, UInt8(ascii: "\r")), (2, UInt8(ascii: "\r")): matched += 1
            case (1, UInt8(ascii: "\n")): matched = 2
            case (3, UInt8(ascii: "\n")):
                let found = mentions
                (matched, mentionMatched, mentions) = (0, 0, false)
                return .ends(headBytes: index + 1, mentionsEventStream: found)
            case (_, UInt8(ascii: "\r")): matched = 1
            default: matched = 0
            }
        }
        return .continues
    }
}
