import Foundation

/// Splits a byte stream into newline-terminated lines as chunks arrive: a line may span several
/// chunks, a chunk may hold several lines. Blank lines are dropped; a trailing `\r` is removed.
///
/// A line may hold at most `maxLineBytes`: a watch event carries one object, and the API server
/// stores none larger than about 1.5 MiB (etcd's request limit), so a longer line means a broken
/// or hostile server, and the buffer stops growing instead of taking the process's memory.
struct JSONLineBuffer {
    /// The default limit: far above any object the API server can store, JSON escaping included.
    static let defaultMaxLineBytes = 32 << 20

    /// A line grew past `limit` bytes before its newline arrived.
    struct LineTooLong: Error, Equatable {
        let limit: Int
    }

    private var pending: [UInt8] = []
    private let maxLineBytes: Int

    init(maxLineBytes: Int = Self.defaultMaxLineBytes) {
        self.maxLineBytes = maxLineBytes
    }

    /// Appends a chunk; returns the lines it completed. Throws when a line is longer than the
    /// limit (the buffer is then emptied; the stream should be abandoned).
    mutating func append<Bytes: Collection<UInt8>>(_ bytes: Bytes) throws(LineTooLong) -> [Data] {
        var lines: [Data] = []
        var start = bytes.startIndex
        while let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) {
            try take(bytes[start..<newline])
            if let line = takePending() { lines.append(line) }
            start = bytes.index(after: newline)
        }
        try take(bytes[start...])
        return lines
    }

    /// The unterminated last line, if any, once the stream has ended.
    mutating func finish() -> Data? { takePending() }

    private mutating func take<Part: Collection<UInt8>>(_ part: Part) throws(LineTooLong) {
        guard pending.count + part.count <= maxLineBytes else {
            pending = []
            throw LineTooLong(limit: maxLineBytes)
        }
        pending.append(contentsOf: part)
    }

    private mutating func takePending() -> Data? {
        defer { pending.removeAll(keepingCapacity: true) }
        var end = pending.endIndex
        while end > pending.startIndex, [0x0D, 0x20, 0x09].contains(pending[end - 1]) { end -= 1 }
        guard pending[..<end].contains(where: { $0 != 0x20 && $0 != 0x09 }) else { return nil }
        return Data(pending[..<end])
    }
}
