import NIOCore
import NIOHTTP1

/// Writes an HTTP/1 head (start line, field lines, blank line) into memory `ByteBuffer` reserved
/// for it once (`ByteBuffer.writeHead(length:_:)`), each piece copied once. A `writeString` per
/// piece costs a capacity check and a pass through `ByteBuffer`'s generic byte-setting path, and
/// a head has dozens of pieces; a head goes out both ways for every proxied request.
///
/// Every append checks that it stays within the reserved length: a wrong length is a crash, not
/// a write past the buffer.
struct HeadCursor {
    private let base: UnsafeMutableRawPointer
    private let capacity: Int
    private(set) var count = 0

    fileprivate init(_ memory: UnsafeMutableRawBufferPointer) {
        base = memory.baseAddress!
        capacity = memory.count
    }

    mutating func append(_ text: StaticString) {
        let length = text.utf8CodeUnitCount
        precondition(count + length <= capacity, "head longer than the length reserved for it")
        (base + count).copyMemory(from: text.utf8Start, byteCount: length)
        count += length
    }

    mutating func append(_ text: String) {
        appendText(text)
    }

    /// Bytes copied as they are (a field of a head being relayed).
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        precondition(count + bytes.count <= capacity, "head longer than the length reserved for it")
        if let source = bytes.baseAddress { (base + count).copyMemory(from: source, byteCount: bytes.count) }
        count += bytes.count
    }

    mutating func append(_ text: Substring) {
        appendText(text)
    }

    private mutating func appendText<Text: StringProtocol>(_ text: Text) {
        let copied: Void? = text.utf8.withContiguousStorageIfAvailable { bytes in
            precondition(count + bytes.count <= capacity, "head longer than the length reserved for it")
            if let source = bytes.baseAddress { (base + count).copyMemory(from: source, byteCount: bytes.count) }
            count += bytes.count
        }
        if copied == nil {
            // Not stored contiguously as UTF-8 (a bridged string): byte by byte.
            for byte in text.utf8 {
                precondition(count < capacity, "head longer than the length reserved for it")
                base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
                count += 1
            }
        }
    }

    /// A status code of three decimal digits (100–999).
    mutating func appendStatusCode(_ code: UInt) {
        precondition((100...999).contains(code) && count + 3 <= capacity)
        base.storeBytes(of: UInt8(ascii: "0") + UInt8(code / 100), toByteOffset: count, as: UInt8.self)
        base.storeBytes(of: UInt8(ascii: "0") + UInt8(code / 10 % 10), toByteOffset: count + 1, as: UInt8.self)
        base.storeBytes(of: UInt8(ascii: "0") + UInt8(code % 10), toByteOffset: count + 2, as: UInt8.self)
        count += 3
    }

    /// `name: value` CR LF for each field (no blank line).
    mutating func appendFields(_ fields: HTTPHeaders) {
        for (name, value) in fields { appendField(name, value) }
    }

    /// `name: value` CR LF.
    mutating func appendField(_ name: String, _ value: String) {
        append(name)
        append(": ")
        append(value)
        append("\r\n")
    }

    /// The bytes `fields` take as field lines.
    static func length(of fields: HTTPHeaders) -> Int {
        var length = 0
        for (name, value) in fields { length += lengthOfField(name, value) }
        return length
    }

    /// The bytes one field line takes.
    static func lengthOfField(_ name: String, _ value: String) -> Int {
        name.utf8.count + value.utf8.count + 4
    }
}

extension ByteBuffer {
    /// Reserves `length` bytes once and writes a head into them through `body`.
    mutating func writeHead(length: Int, _ body: (inout HeadCursor) -> Void) {
        writeWithUnsafeMutableBytes(minimumWritableBytes: length) { memory in
            var cursor = HeadCursor(memory)
            body(&cursor)
            return cursor.count
        }
    }
}
