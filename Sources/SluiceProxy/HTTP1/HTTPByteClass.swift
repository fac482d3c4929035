/// Classes of bytes for the parsers that read HTTP/1.1 heads themselves (`PlainRequestHead`,
/// `ChunkedResponseHead`, `ChunkedBodyScanner`).
enum HTTPByteClass {
    /// RFC 9110 §5.6.2 `tchar`, the bytes of a token (a method, a field name, a chunk-extension
    /// name): `!#$%&'*+-.^_`|~`, digits and letters.
    @inline(__always)
    static func isToken(_ byte: UInt8) -> Bool {
        // Bit n is byte n's (bytes 64–127 in the second word): one shift and test per byte, the
        // parsers' inner loop.
        let word: UInt64 = byte < 64 ? 0x03ff_6cfa_0000_0000 : 0x57ff_ffff_c7ff_fffe
        return byte < 128 && (word >> UInt64(byte & 63)) & 1 == 1
    }

    /// A byte of a plain field value or reason phrase: HTAB, SP, VCHAR. `obs-text` and control
    /// bytes are not (the head parsers leave such heads to NIO's decoder).
    @inline(__always)
    static func isPlainFieldValue(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\t") || (0x20...0x7E).contains(byte)
    }
}
