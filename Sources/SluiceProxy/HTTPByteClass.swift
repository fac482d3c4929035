/// Classes of bytes for the parsers that read HTTP/1.1 heads themselves (`PlainRequestHead`,
/// `ChunkedResponseHead`, `ChunkedBodyScanner`).
enum HTTPByteClass {
    /// RFC 9110 §5.6.2 `tchar`, the bytes of a token (a method, a field name, a chunk-extension
    /// name).
    static func isToken(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// A byte of a plain field value or reason phrase: HTAB, SP, VCHAR. `obs-text` and control
    /// bytes are not (the head parsers leave such heads to NIO's decoder).
    static func isPlainFieldValue(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\t") || (0x20...0x7E).contains(byte)
    }
}
