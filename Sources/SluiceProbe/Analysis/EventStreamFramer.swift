/// Frames Server-Sent Events out of body pieces as they arrive, timing each event by the piece
/// that completed it. A pure value: feed it pieces, it returns the events they completed.
///
/// Follows the WHATWG event-stream grammar as far as timing needs it: lines end with CRLF, LF
/// or CR (a CRLF split across two pieces is one line end); one leading byte-order mark is
/// ignored; a blank line dispatches the event, which counts only when it had a `data` field
/// (blocks of comments — `: keep-alive` — or of `id:`/`event:` alone dispatch nothing, as in a
/// browser). Field values are not kept.
public struct EventStreamFramer: Sendable, Hashable {
    private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
    private static let data = Array("data".utf8)

    /// Bytes of the stream's start seen so far while a byte-order mark may still be there.
    private var startBytes: [UInt8] = []
    private var pastStart = false
    /// The previous line ended with CR: an LF right after it is part of that line end.
    private var afterCR = false
    /// The current line's length, and its first bytes up to a colon (its field name, if short).
    private var lineLength = 0
    private var fieldName: [UInt8] = []
    private var fieldNameComplete = false
    private var blockHasData = false
    /// Bytes of the block (event) being received.
    private var blockBytes = 0

    public init() {}

    /// Bytes received after the last complete event.
    public var pendingBytes: Int { blockBytes + startBytes.count }

    /// Consumes one body piece that arrived at `time`; returns the events it completed.
    public mutating func consume(_ piece: some Collection<UInt8>, at time: Duration) -> [ReceivedEvent] {
        var events: [ReceivedEvent] = []
        for byte in piece {
            if !pastStart {
                startBytes.append(byte)
                if startBytes == Array(Self.byteOrderMark.prefix(startBytes.count)) {
                    if startBytes.count == Self.byteOrderMark.count {
                        blockBytes += startBytes.count
                        startBytes = []
                        pastStart = true
                    }
                    continue
                }
                // Not a byte-order mark: replay what was held back as ordinary bytes.
                pastStart = true
                let held = startBytes
                startBytes = []
                for heldByte in held { take(heldByte, at: time, into: &events) }
                continue
            }
            take(byte, at: time, into: &events)
        }
        return events
    }

    private mutating func take(_ byte: UInt8, at time: Duration, into events: inout [ReceivedEvent]) {
        if byte == UInt8(ascii: "\n"), afterCR {
            // The LF of a CRLF: part of the line end before it. After a blank line that
            // dispatched an event, it belongs to no block.
            afterCR = false
            if blockBytes > 0 { blockBytes += 1 }
            return
        }
        blockBytes += 1
        switch byte {
        case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
            afterCR = byte == UInt8(ascii: "\r")
            endLine(at: time, into: &events)
        default:
            afterCR = false
            lineLength += 1
            if !fieldNameComplete {
                if byte == UInt8(ascii: ":") || fieldName.count > Self.data.count {
                    fieldNameComplete = true
                } else {
                    fieldName.append(byte)
                }
            }
        }
    }

    private mutating func endLine(at time: Duration, into events: inout [ReceivedEvent]) {
        if lineLength == 0 {
            if blockHasData { events.append(ReceivedEvent(at: time, bytes: blockBytes)) }
            blockHasData = false
            blockBytes = 0
        } else if fieldName == Self.data {
            blockHasData = true
        }
        lineLength = 0
        fieldName.removeAll(keepingCapacity: true)
        fieldNameComplete = false
    }
}
