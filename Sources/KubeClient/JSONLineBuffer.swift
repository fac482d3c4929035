import Foundation

/// Splits a byte stream into newline-terminated lines as chunks arrive: a line may span several
/// chunks, a chunk may hold several lines. Blank lines are dropped; a trailing `\r` is removed.
struct JSONLineBuffer {
    private var pending: [UInt8] = []

    /// Appends a chunk; returns the lines it completed.
    mutating func append<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> [Data] {
        var lines: [Data] = []
        var start = bytes.startIndex
        while let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) {
            pending.append(contentsOf: bytes[start..<newline])
            if let line = takePending() { lines.append(line) }
            start = bytes.index(after: newline)
        }
        pending.append(contentsOf: bytes[start...])
        return lines
    }

    /// The unterminated last line, if any, once the stream has ended.
    mutating func finish() -> Data? { takePending() }

    private mutating func takePending() -> Data? {
        defer { pending.removeAll(keepingCapacity: true) }
        var end = pending.endIndex
        while end > pending.startIndex, [0x0D, 0x20, 0x09].contains(pending[end - 1]) { end -= 1 }
        guard pending[..<end].contains(where: { $0 != 0x20 && $0 != 0x09 }) else { return nil }
        return Data(pending[..<end])
    }
}
